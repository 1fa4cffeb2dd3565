-- Fills a scratch database with synthetic stored runs for scripts/bench-cost-to-target.sh:
-- 13 datasets x :groups groups x 20 sizes (2^5 .. 2^24) x 3 repetitions. Each result is
-- one epoch of ones (only its row matters); each run's progress staircase has 40
-- improvements over 3000 epochs, falling towards a floor that shrinks with size, with
-- noise per run, and cumulative joules that grow with size.
\set ON_ERROR_STOP on
INSERT INTO coordinator (host, pid, worker_count, software)
VALUES ('bench', 1, 1, 'bench') RETURNING coordinator_id AS coordinator \gset

INSERT INTO experiment (experiment_key, dataset, shape, depth, size, learning_rate, batch_size,
                        optimizer, epochs, config)
SELECT format('batch_size=256;dataset=%s;depth=3;epochs=3000;l1=0;l2=%s;label_noise=0;'
              'learning_rate=0.0001;momentum=0;optimizer=adam;shape=rectangle;shuffle=true;'
              'size=%s;test_fraction=0.2;validation_fraction=0', d, g, 32::bigint << s),
       d, 'rectangle', 3, 32::bigint << s, 1e-4, 256, 'adam', 3000, '{}'
FROM unnest(ARRAY['201_pol', '294_satellite_image', '505_tecator', '529_pollen', '537_houses',
                  'adult', 'banana', 'connect_4', 'mnist', 'nursery', 'sleep', 'splice',
                  'wine_quality_white']) AS d,
     generate_series(1, :groups) AS g,
     generate_series(0, 19) AS s;

INSERT INTO run (experiment_id, repetition, seed, status, finished_at)
SELECT experiment_id, r, r, 'done', now()
FROM experiment, generate_series(0, 2) AS r;

INSERT INTO result (run_id, attempt, coordinator_id, seed, host, software, widths,
    parameter_count, epoch_wall_s,
    train_loss, train_accuracy, train_mean_squared_error, train_mean_absolute_error,
    train_root_mean_squared_error, train_mean_squared_logarithmic_error, train_hinge,
    train_squared_hinge, train_cosine_similarity, train_kullback_leibler_divergence,
    test_loss, test_accuracy, test_mean_squared_error, test_mean_absolute_error,
    test_root_mean_squared_error, test_mean_squared_logarithmic_error, test_hinge,
    test_squared_hinge, test_cosine_similarity, test_kullback_leibler_divergence)
SELECT run_id, 1, :coordinator, seed, 'bench', '{}', '{1}', 1, '{1}',
       '{1}', '{1}', '{1}', '{1}', '{1}', '{1}', '{1}', '{1}', '{1}', '{1}',
       '{1}', '{1}', '{1}', '{1}', '{1}', '{1}', '{1}', '{1}', '{1}', '{1}'
FROM run;

INSERT INTO run_progress (run_id, monitored, experiment_id, dataset, hardware, epochs,
                          improved_epoch, best_loss, net_j, gross_j, flops_per_epoch)
SELECT r.run_id, 'test', r.experiment_id, e.dataset, 'bench CPU (2 CPUs)/rapl_sysfs', 3000,
       (SELECT array_agg(greatest(1, (i - 1) * 75) ORDER BY i) FROM generate_series(1, 40) AS i),
       (SELECT array_agg((0.6 / k.log_size + 0.5 * exp(-i / (4.0 + k.log_size / 4))
                          + 0.02 * k.noise)::real ORDER BY i)
        FROM generate_series(1, 40) AS i),
       (SELECT array_agg(i * 75 * k.net_w ORDER BY i) FROM generate_series(1, 40) AS i),
       (SELECT array_agg(i * 75 * (k.net_w + 19.5) ORDER BY i) FROM generate_series(1, 40) AS i),
       6.0 * 4e4 * e.size
FROM run r
JOIN experiment e USING (experiment_id)
CROSS JOIN LATERAL (SELECT ln(e.size::float8) / ln(2.0::float8) AS log_size,
                           0.5 + e.size / 1e5 AS net_w,
                           random() + r.run_id * 0 AS noise) AS k;

VACUUM ANALYZE experiment;
VACUUM ANALYZE run;
VACUUM ANALYZE run_progress;
