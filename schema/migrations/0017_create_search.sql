-- Search as a kind of work (docs/train-for-less.md): an experiment of kind 'search' is
-- an exponential size search, and each of its runs is one search, claimed, leased and
-- fenced like any run. Its size is the ladder's first size and its epochs each attempt's
-- cap; the search_* columns say the rest. A search's key names them; a fixed-size run's
-- key does not, so no stored key changes.
ALTER TABLE experiment
    ADD COLUMN kind             text             NOT NULL DEFAULT 'run',
    ADD COLUMN search_target    double precision NOT NULL DEFAULT 0,
    ADD COLUMN search_ladder    double precision NOT NULL DEFAULT 2,
    ADD COLUMN search_max_size  bigint           NOT NULL DEFAULT 16777216,
    ADD COLUMN search_failure   text             NOT NULL DEFAULT 'proportional(0.001, 16)',
    ADD COLUMN search_monitored text             NOT NULL DEFAULT 'validation',
    ADD CONSTRAINT experiment_kind_known CHECK (kind IN ('run', 'search')),
    ADD CONSTRAINT experiment_search_monitored_known CHECK (search_monitored IN ('validation', 'test')),
    ADD CONSTRAINT experiment_search_valid CHECK (
        kind = 'run' OR (search_target > 0 AND search_ladder > 1 AND search_max_size >= size));

-- One row per finished attempt of a search run: attempt_number j trains size
-- ladder[j] from fresh weights with seed attempt_seed(run seed, j). Written, fenced by the
-- run's owner and claim, as the worker finishes the attempt; the last attempt's row
-- commits with the run's 'done'. A search whose claim is lost resumes at the attempt
-- after its last row; an attempt cut off mid-way left no row and is trained again.
-- The series are indexed by epoch like result's; a skipped size has none.
CREATE TABLE search_attempt (
    run_id            bigint           NOT NULL REFERENCES run (run_id),
    attempt_number    integer          NOT NULL,  -- j: 0 for the first size
    claim             integer          NOT NULL,  -- run.attempt of the claim that stored it
    coordinator_id    bigint           NOT NULL,
    size              bigint           NOT NULL,  -- the ladder's size
    parameter_count   bigint           NOT NULL,  -- the network built (0 when skipped)
    widths            integer[]        NOT NULL,
    seed              bigint           NOT NULL,
    outcome           text             NOT NULL,
    epochs            integer          NOT NULL,
    best_loss         double precision NOT NULL,  -- best-so-far monitored loss at its end
    net_j             double precision,           -- joules of its epochs; NULL unmeasured
    gross_j           double precision,
    flops             double precision NOT NULL,
    host              text             NOT NULL,
    backend           text             NOT NULL,
    threads           integer          NOT NULL,
    flops_per_epoch   double precision NOT NULL,
    energy_source     text,
    node_type         text,
    epoch_wall_s      real[]           NOT NULL DEFAULT '{}',
    energy_net_j      real[],                     -- per epoch, summed over domains
    energy_gross_j    real[],
    train_loss                                real[]      NOT NULL DEFAULT '{}',
    train_accuracy                            real[]      NOT NULL DEFAULT '{}',
    train_mean_squared_error                  real[]      NOT NULL DEFAULT '{}',
    train_mean_absolute_error                 real[]      NOT NULL DEFAULT '{}',
    train_root_mean_squared_error             real[]      NOT NULL DEFAULT '{}',
    train_mean_squared_logarithmic_error      real[]      NOT NULL DEFAULT '{}',
    train_hinge                               real[]      NOT NULL DEFAULT '{}',
    train_squared_hinge                       real[]      NOT NULL DEFAULT '{}',
    train_cosine_similarity                   real[]      NOT NULL DEFAULT '{}',
    train_kullback_leibler_divergence         real[]      NOT NULL DEFAULT '{}',
    test_loss                                 real[]      NOT NULL DEFAULT '{}',
    test_accuracy                             real[]      NOT NULL DEFAULT '{}',
    test_mean_squared_error                   real[]      NOT NULL DEFAULT '{}',
    test_mean_absolute_error                  real[]      NOT NULL DEFAULT '{}',
    test_root_mean_squared_error              real[]      NOT NULL DEFAULT '{}',
    test_mean_squared_logarithmic_error       real[]      NOT NULL DEFAULT '{}',
    test_hinge                                real[]      NOT NULL DEFAULT '{}',
    test_squared_hinge                        real[]      NOT NULL DEFAULT '{}',
    test_cosine_similarity                    real[]      NOT NULL DEFAULT '{}',
    test_kullback_leibler_divergence          real[]      NOT NULL DEFAULT '{}',
    validation_loss                           real[]      NOT NULL DEFAULT '{}',
    validation_accuracy                       real[]      NOT NULL DEFAULT '{}',
    validation_mean_squared_error             real[]      NOT NULL DEFAULT '{}',
    validation_mean_absolute_error            real[]      NOT NULL DEFAULT '{}',
    validation_root_mean_squared_error        real[]      NOT NULL DEFAULT '{}',
    validation_mean_squared_logarithmic_error real[]      NOT NULL DEFAULT '{}',
    validation_hinge                          real[]      NOT NULL DEFAULT '{}',
    validation_squared_hinge                  real[]      NOT NULL DEFAULT '{}',
    validation_cosine_similarity              real[]      NOT NULL DEFAULT '{}',
    validation_kullback_leibler_divergence    real[]      NOT NULL DEFAULT '{}',
    stored_at         timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, attempt_number),
    CONSTRAINT search_attempt_outcome_known CHECK (
        outcome IN ('reached', 'failed_trigger', 'failed_cap', 'diverged', 'skipped'))
);

-- One row per search run: what §3.4 of the specification records. reached is NULL while
-- the search goes on; net_j and gross_j are E_search when it reached (every attempt's
-- epochs: the failed ones whole, the last up to the epoch that reached), NULL when an
-- attempt was not measured.
CREATE VIEW search_result AS
SELECT r.run_id, r.experiment_id, r.repetition, r.seed, r.status,
       e.dataset, e.shape, e.depth, e.search_target AS target, e.search_monitored AS monitored,
       e.search_failure AS failure, e.search_ladder AS ladder_factor, e.size AS start_size,
       e.search_max_size AS max_size, e.epochs AS epoch_cap,
       count(a.run_id) AS attempts,
       CASE WHEN r.status = 'done' THEN coalesce(bool_or(a.outcome = 'reached'), false) END
           AS reached,
       max(a.size) FILTER (WHERE a.outcome = 'reached') AS size_found,
       max(a.parameter_count) FILTER (WHERE a.outcome = 'reached') AS parameters_found,
       coalesce(sum(a.epochs), 0) AS epochs,
       CASE WHEN bool_and(a.net_j IS NOT NULL OR a.outcome = 'skipped') THEN sum(a.net_j) END AS net_j,
       CASE WHEN bool_and(a.gross_j IS NOT NULL OR a.outcome = 'skipped') THEN sum(a.gross_j) END AS gross_j,
       coalesce(sum(a.flops), 0) AS flops,
       min(a.node_type || '/' || a.energy_source) AS hardware
FROM run r
JOIN experiment e USING (experiment_id)
LEFT JOIN search_attempt a USING (run_id)
WHERE e.kind = 'search'
GROUP BY r.run_id, e.experiment_id;

-- One row per search experiment: its searches, how many reached the target, the median
-- over finished searches of what each spent (unreached as +Infinity, median_cost()), the
-- smallest size any search reached it at, and the cheapest network found: the reached
-- attempt with the fewest gross joules (then operations), with its size, parameters,
-- joules and operations. `joulesweep search --results` prints it.
CREATE VIEW search_summary AS
SELECT e.experiment_id, e.dataset, e.shape, e.depth, e.search_target AS target,
       e.search_monitored AS monitored, e.search_failure AS failure,
       e.search_ladder AS ladder_factor, e.size AS start_size, e.search_max_size AS max_size,
       e.epochs AS epoch_cap,
       count(*) AS searches,
       count(*) FILTER (WHERE s.status = 'done') AS done,
       count(*) FILTER (WHERE s.reached) AS reached,
       min(s.size_found) AS smallest_size_reached,
       median_cost(array_agg(CASE WHEN s.reached THEN s.net_j::double precision
                                  ELSE 'Infinity' END) FILTER (WHERE s.status = 'done'))
           AS median_search_net_j,
       median_cost(array_agg(CASE WHEN s.reached THEN s.gross_j::double precision
                                  ELSE 'Infinity' END) FILTER (WHERE s.status = 'done'))
           AS median_search_gross_j,
       median_cost(array_agg(CASE WHEN s.reached THEN s.flops::double precision
                                  ELSE 'Infinity' END) FILTER (WHERE s.status = 'done'))
           AS median_search_flops,
       min(c.size) AS cheapest_size,
       min(c.parameter_count) AS cheapest_parameters,
       min(c.net_j) AS cheapest_net_j,
       min(c.gross_j) AS cheapest_gross_j,
       min(c.flops) AS cheapest_flops
FROM experiment e
JOIN search_result s USING (experiment_id)
LEFT JOIN LATERAL (
    SELECT a.size, a.parameter_count, a.net_j, a.gross_j, a.flops
    FROM search_attempt a JOIN run r ON r.run_id = a.run_id
    WHERE r.experiment_id = e.experiment_id AND a.outcome = 'reached'
    ORDER BY a.gross_j NULLS LAST, a.flops
    LIMIT 1
) AS c ON true
WHERE e.kind = 'search'
GROUP BY e.experiment_id;
