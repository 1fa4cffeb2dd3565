-- What the training found, per experiment: how many of its runs are stored, the best
-- test loss any of them reached (at any epoch) and the mean of their last-epoch test
-- losses, and the training time they took. For `joulesweep results` and for psql.
CREATE VIEW experiment_results AS
SELECT e.experiment_id,
       e.dataset,
       e.shape,
       e.depth,
       e.size,
       e.optimizer,
       e.learning_rate,
       e.batch_size,
       e.epochs,
       count(s.run_id)                                               AS runs_done,
       min(best.test_loss)                                           AS best_test_loss,
       avg(s.test_loss[array_upper(s.test_loss, 1)])                 AS mean_final_test_loss,
       sum(best.train_s)                                             AS train_s,
       count(*) FILTER (WHERE s.diverged)                            AS diverged
FROM experiment e
JOIN run r USING (experiment_id)
JOIN result s USING (run_id)
CROSS JOIN LATERAL (
    SELECT min(loss) AS test_loss, (SELECT sum(w) FROM unnest(s.epoch_wall_s) AS w) AS train_s
    FROM unnest(s.test_loss) AS loss
) AS best
GROUP BY e.experiment_id;
