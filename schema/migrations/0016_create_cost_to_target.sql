-- Train for less (docs/train-for-less.md): what each run spent until its monitored loss
-- first reached a target, per experiment the median over repetitions, and per group (an
-- experiment with its size removed, on one hardware class) the minimum energy E*, the
-- size that spends it (s_opt), the smallest size that reaches the target (s_min) and
-- Q = s_opt / s_min.
--
-- Questions are answered from run_progress, one row per run and monitored series
-- (test, and validation where the run has validation rows): the epochs at which the
-- best-so-far loss improved, that loss, and the cumulative joules there. The coordinator
-- writes a result's rows in the statement that stores it (computed in C++,
-- common::progress_of); progress_of() below computes the same from a stored result, for
-- the results stored before this migration. A target's first epoch is then a search over
-- a few dozen improvements instead of a scan of every epoch of every run.

-- Operations per epoch (BUTTER-E's count, worker/model/network.hpp); NULL for results
-- stored before this migration.
ALTER TABLE result ADD COLUMN flops_per_epoch double precision;

-- An experiment's group: its key without the size.
ALTER TABLE experiment ADD COLUMN group_key text
    GENERATED ALWAYS AS (regexp_replace(experiment_key, ';size=[0-9]+', '')) STORED;
CREATE INDEX experiment_by_group ON experiment (dataset, group_key, size);

CREATE TABLE run_progress (
    run_id          bigint  NOT NULL REFERENCES result (run_id),
    monitored       text    NOT NULL,  -- 'test' or 'validation'
    experiment_id   bigint  NOT NULL,
    dataset         text    NOT NULL,
    hardware        text    NOT NULL,  -- node type and energy source: one hardware class
    epochs          integer NOT NULL,  -- epochs stored
    improved_epoch  integer[] NOT NULL,          -- epochs where best-so-far fell
    best_loss       real[]    NOT NULL,          -- best-so-far there, strictly falling
    net_j           double precision[],          -- cumulative joules there; NULL unmeasured
    gross_j         double precision[],
    flops_per_epoch double precision,
    PRIMARY KEY (run_id, monitored),
    CONSTRAINT run_progress_monitored_known CHECK (monitored IN ('test', 'validation'))
);
CREATE INDEX run_progress_by_dataset ON run_progress (dataset, monitored, experiment_id);

-- The progress row of one series of one result, as common::progress_of computes it (the
-- tests compare the two).
CREATE FUNCTION progress_of(r result, series real[], monitored text) RETURNS run_progress
LANGUAGE sql IMMUTABLE AS $$
SELECT r.run_id,
       monitored,
       0::bigint,
       ''::text,
       coalesce(r.energy_provenance ->> 'node_type', '') || '/' || coalesce(r.energy_source, 'none'),
       cardinality(series),
       coalesce(array_agg(s.epoch ORDER BY s.epoch), '{}'),
       coalesce(array_agg(s.best ORDER BY s.epoch), '{}'),
       CASE WHEN r.energy_net_j IS NULL THEN NULL
            ELSE coalesce(array_agg(s.net_j ORDER BY s.epoch), '{}') END,
       CASE WHEN r.energy_gross_j IS NULL THEN NULL
            ELSE coalesce(array_agg(s.gross_j ORDER BY s.epoch), '{}') END,
       r.flops_per_epoch
FROM (
    SELECT epoch, best, net_j, gross_j,
           best < coalesce(lag(best) OVER (ORDER BY epoch), 'Infinity') AS improved
    FROM (
        SELECT v.epoch,
               min(CASE WHEN v.loss = 'NaN' THEN 'Infinity'::real ELSE v.loss END)
                   OVER (ORDER BY v.epoch) AS best,
               sum(n.j::double precision) OVER (ORDER BY v.epoch) AS net_j,
               sum(g.j::double precision) OVER (ORDER BY v.epoch) AS gross_j
        FROM unnest(series) WITH ORDINALITY AS v(loss, epoch)
        LEFT JOIN unnest(r.energy_net_j) WITH ORDINALITY AS n(j, epoch) USING (epoch)
        LEFT JOIN unnest(r.energy_gross_j) WITH ORDINALITY AS g(j, epoch) USING (epoch)
    ) AS running
) AS s
WHERE s.improved
$$;

-- Results stored before this migration.
INSERT INTO run_progress
SELECT (p).run_id, (p).monitored, r.experiment_id, e.dataset, (p).hardware, (p).epochs,
       (p).improved_epoch, (p).best_loss, (p).net_j, (p).gross_j, (p).flops_per_epoch
FROM result s
JOIN run r USING (run_id)
JOIN experiment e USING (experiment_id)
CROSS JOIN LATERAL (SELECT progress_of(s, s.test_loss, 'test') AS p
                    UNION ALL
                    SELECT progress_of(s, s.validation_loss, 'validation')
                    WHERE cardinality(s.validation_loss) > 0) AS both_series;

-- Each run of `dataset` (one row per run with that series): the first epoch whose
-- best-so-far loss is <= target, and the joules (net, gross) and operations spent by its
-- end. Unreached: epoch NULL and every cost +Infinity. Unmeasured joules: NULL.
CREATE FUNCTION run_cost_to_target(dataset_name text, target double precision,
                                   monitored_series text DEFAULT 'validation')
RETURNS TABLE (run_id bigint, experiment_id bigint, hardware text, epoch integer,
               net_j double precision, gross_j double precision, flops double precision)
LANGUAGE sql STABLE AS $$
SELECT p.run_id, p.experiment_id, p.hardware, p.improved_epoch[hit.i],
       CASE WHEN p.net_j IS NULL THEN NULL
            ELSE coalesce(p.net_j[hit.i], 'Infinity'::double precision) END,
       CASE WHEN p.gross_j IS NULL THEN NULL
            ELSE coalesce(p.gross_j[hit.i], 'Infinity'::double precision) END,
       CASE WHEN hit.i IS NULL THEN 'Infinity'::double precision
            ELSE p.flops_per_epoch * p.improved_epoch[hit.i] END
FROM run_progress p
CROSS JOIN LATERAL (
    SELECT min(i) AS i FROM generate_subscripts(p.best_loss, 1) AS i WHERE p.best_loss[i] <= target
) AS hit
WHERE p.dataset = dataset_name AND p.monitored = monitored_series
$$;

-- The median (percentile_cont 0.5) with +Infinity for unreached: finite only when more
-- than half of the values are. (percentile_cont itself would give NaN for two infinite
-- middle values.)
CREATE FUNCTION median_cost(costs double precision[]) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
SELECT CASE
    WHEN cardinality(costs) IS NULL OR cardinality(costs) = 0 THEN NULL
    WHEN (SELECT count(*) FROM unnest(costs) c WHERE c = 'Infinity') * 2
         >= cardinality(costs) + cardinality(costs) % 2 THEN 'Infinity'
    ELSE (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY c) FROM unnest(costs) c)
END
$$;

-- Per experiment and hardware class: its runs, how many reached the target, and the
-- median over repetitions of each cost (estimator A of the specification).
CREATE FUNCTION experiment_cost_to_target(dataset_name text, target double precision,
                                          monitored_series text DEFAULT 'validation')
RETURNS TABLE (experiment_id bigint, group_key text, size bigint, hardware text,
               runs bigint, runs_reaching bigint, median_epoch double precision,
               net_j double precision, gross_j double precision, flops double precision)
LANGUAGE sql STABLE AS $$
SELECT t.experiment_id, e.group_key, e.size, t.hardware,
       count(*), count(t.epoch),
       median_cost(array_agg(coalesce(t.epoch::double precision, 'Infinity'))),
       median_cost(array_agg(t.net_j) FILTER (WHERE t.net_j IS NOT NULL)),
       median_cost(array_agg(t.gross_j) FILTER (WHERE t.gross_j IS NOT NULL)),
       median_cost(array_agg(t.flops) FILTER (WHERE t.flops IS NOT NULL))
FROM run_cost_to_target(dataset_name, target, monitored_series) t
JOIN experiment e USING (experiment_id)
GROUP BY t.experiment_id, e.group_key, e.size, t.hardware
$$;

-- Per group and hardware class: E* (the least median cost over its sizes), s_opt (the
-- smallest size spending it), s_min (the smallest size reaching the target) and
-- Q = s_opt / s_min. `energy` is 'net', 'gross' or 'flops'. Groups where no size reaches
-- the target have NULL sizes and E* = +Infinity.
CREATE FUNCTION group_size_choice(dataset_name text, target double precision,
                                  monitored_series text DEFAULT 'validation',
                                  energy text DEFAULT 'net')
RETURNS TABLE (group_key text, hardware text, sizes bigint, sizes_reaching bigint,
               e_star double precision, s_opt bigint, s_min bigint, q double precision)
LANGUAGE sql STABLE AS $$
WITH cost AS (
    SELECT x.group_key, x.hardware, x.size,
           CASE energy WHEN 'net' THEN x.net_j WHEN 'gross' THEN x.gross_j
                       WHEN 'flops' THEN x.flops END AS cost
    FROM experiment_cost_to_target(dataset_name, target, monitored_series) x
), ranked AS (
    SELECT c.*, row_number() OVER (PARTITION BY c.group_key, c.hardware
                                   ORDER BY c.cost, c.size) AS cheapest
    FROM cost c
    WHERE c.cost IS NOT NULL
)
SELECT r.group_key, r.hardware, count(*), count(*) FILTER (WHERE r.cost < 'Infinity'),
       min(r.cost),
       min(r.size) FILTER (WHERE r.cheapest = 1 AND r.cost < 'Infinity'),
       min(r.size) FILTER (WHERE r.cost < 'Infinity'),
       (min(r.size) FILTER (WHERE r.cheapest = 1 AND r.cost < 'Infinity'))::double precision
         / min(r.size) FILTER (WHERE r.cost < 'Infinity')
FROM ranked r
GROUP BY r.group_key, r.hardware
$$;

-- BUTTER-E's 200 target levels for a dataset (its 6_energy_loss_plots.ipynb): from the
-- median over repetitions of each experiment's best-so-far curve, lo = the least log
-- median final loss, hi = the greatest log median first-epoch loss; level j is
-- exp(lo + j·step), step = max(1e-9, hi − lo)/200.
CREATE FUNCTION dataset_loss_levels(dataset_name text, monitored_series text DEFAULT 'validation')
RETURNS TABLE (loss_index integer, loss double precision)
LANGUAGE sql STABLE AS $$
WITH ends AS (
    SELECT p.experiment_id, p.hardware,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY
               CASE WHEN p.improved_epoch[1] = 1 THEN p.best_loss[1] ELSE 'Infinity' END) AS first,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY
               coalesce(p.best_loss[cardinality(p.best_loss)], 'Infinity')) AS last
    FROM run_progress p
    WHERE p.dataset = dataset_name AND p.monitored = monitored_series
    GROUP BY p.experiment_id, p.hardware
), bounds AS (
    SELECT min(ln(1e-18 + last)) FILTER (WHERE last < 'Infinity') AS lo,
           max(ln(1e-18 + first)) FILTER (WHERE first < 'Infinity') AS hi
    FROM ends
)
SELECT j, exp(b.lo + j * greatest(1e-9, b.hi - b.lo) / 200)
FROM bounds b CROSS JOIN generate_series(0, 199) AS j
WHERE b.lo IS NOT NULL AND b.hi IS NOT NULL
$$;

-- The relative-to-best target of each group: L_best = the least, over its sizes, of the
-- median final best-so-far loss; targets are (1 + epsilon)·L_best.
CREATE FUNCTION group_best_loss(dataset_name text, monitored_series text DEFAULT 'validation')
RETURNS TABLE (group_key text, hardware text, best_loss double precision)
LANGUAGE sql STABLE AS $$
SELECT e.group_key, x.hardware, min(x.final)
FROM (SELECT p.experiment_id, p.hardware,
             median_cost(array_agg(coalesce(p.best_loss[cardinality(p.best_loss)], 'Infinity')::double precision)) AS final
      FROM run_progress p
      WHERE p.dataset = dataset_name AND p.monitored = monitored_series
      GROUP BY p.experiment_id, p.hardware) AS x
JOIN experiment e USING (experiment_id)
GROUP BY e.group_key, x.hardware
$$;
