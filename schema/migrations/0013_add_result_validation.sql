-- The validation rows' 10 statistics per epoch, beside train_* and test_*: evaluated
-- after every epoch when the experiment's validation_fraction holds rows out, empty
-- arrays otherwise (BUTTER had none; its val_* columns are our test_*).
ALTER TABLE result
    ADD COLUMN validation_loss                           real[] NOT NULL DEFAULT '{}',
    ADD COLUMN validation_accuracy                       real[] NOT NULL DEFAULT '{}',
    ADD COLUMN validation_mean_squared_error             real[] NOT NULL DEFAULT '{}',
    ADD COLUMN validation_mean_absolute_error            real[] NOT NULL DEFAULT '{}',
    ADD COLUMN validation_root_mean_squared_error        real[] NOT NULL DEFAULT '{}',
    ADD COLUMN validation_mean_squared_logarithmic_error real[] NOT NULL DEFAULT '{}',
    ADD COLUMN validation_hinge                          real[] NOT NULL DEFAULT '{}',
    ADD COLUMN validation_squared_hinge                  real[] NOT NULL DEFAULT '{}',
    ADD COLUMN validation_cosine_similarity              real[] NOT NULL DEFAULT '{}',
    ADD COLUMN validation_kullback_leibler_divergence    real[] NOT NULL DEFAULT '{}';
