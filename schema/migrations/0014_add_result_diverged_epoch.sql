-- The epoch in which a diverged run's loss became NaN or infinite. A run stops there, so
-- its arrays end with that epoch: the column is derived from them and cannot disagree.
-- NULL for a run that did not diverge.
ALTER TABLE result
    ADD COLUMN diverged_epoch integer
        GENERATED ALWAYS AS (CASE WHEN diverged THEN cardinality(train_loss) END) STORED;
