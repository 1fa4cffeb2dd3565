-- Adagrad joins the optimizers (BUTTER's growth sweep uses it), and each result records
-- which generation of update rules trained it. Generation 1 placed RMSprop's epsilon
-- outside the root with momentum as well; Keras puts it inside there
-- (m = momentum m + lr g / sqrt(s + eps)). Generation 2 follows Keras exactly.
-- Results stored before this migration keep 1; every binary that carries this migration
-- trains with generation 2, so that is the default for rows written from now on.
ALTER TABLE experiment DROP CONSTRAINT experiment_optimizer_known;
ALTER TABLE experiment ADD CONSTRAINT experiment_optimizer_known
    CHECK (optimizer IN ('adam', 'rmsprop', 'sgd', 'adagrad'));

ALTER TABLE result ADD COLUMN update_rules smallint NOT NULL DEFAULT 1;
ALTER TABLE result ALTER COLUMN update_rules SET DEFAULT 2;
COMMENT ON COLUMN result.update_rules IS
    '1: before Keras-exact optimizers (RMSprop with momentum had epsilon outside the root); 2: Keras-exact';
