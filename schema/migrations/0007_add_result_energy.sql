-- Each run's energy per epoch from its node's meter (docs/energy.md): the source, the
-- joules per epoch summed over the meter's domains (gross, and net of the node's idle
-- power), the same per domain as 2-D arrays [domain][epoch], and the provenance a reader
-- needs to trust them (attribution, domains, idle power, CPU-time shares, samples,
-- largest gap, wraps, flags). All NULL for a run measured without energy.
ALTER TABLE result
    ADD COLUMN energy_source         text,
    ADD COLUMN energy_gross_j        real[],
    ADD COLUMN energy_net_j          real[],
    ADD COLUMN energy_domain_gross_j real[],
    ADD COLUMN energy_domain_net_j   real[],
    ADD COLUMN energy_provenance     jsonb,
    ADD CONSTRAINT result_energy_source_known CHECK (
        energy_source IN ('perf', 'rapl_sysfs', 'rapl_msr', 'ipmi_dcmi', 'ipmi_sensor', 'estimate')),
    ADD CONSTRAINT result_energy_whole CHECK (
        (energy_source IS NULL) = (energy_gross_j IS NULL)
        AND (energy_source IS NULL) = (energy_net_j IS NULL)
        AND (energy_source IS NULL) = (energy_provenance IS NULL)),
    ADD CONSTRAINT result_energy_per_epoch CHECK (
        energy_gross_j IS NULL
        OR (cardinality(energy_gross_j) = cardinality(epoch_wall_s)
            AND cardinality(energy_net_j) = cardinality(epoch_wall_s)));

-- One row per measured run: its joules, joules per training sample (an epoch trains on
-- every training row once) and the flags (estimate, shared_node, no_baseline, vm, ...).
CREATE VIEW run_energy AS
SELECT s.run_id,
       r.experiment_id,
       e.dataset,
       s.host,
       s.energy_source                                          AS source,
       s.energy_provenance ->> 'attribution'                    AS attribution,
       cardinality(s.energy_gross_j)                            AS epochs,
       total.gross_j,
       total.net_j,
       total.gross_j / nullif(cardinality(s.energy_gross_j)
                              * (s.energy_provenance ->> 'train_rows')::bigint, 0)
                                                                AS gross_j_per_train_sample,
       total.net_j / nullif(cardinality(s.energy_net_j)
                            * (s.energy_provenance ->> 'train_rows')::bigint, 0)
                                                                AS net_j_per_train_sample,
       ARRAY(SELECT jsonb_array_elements_text(s.energy_provenance -> 'flags')) AS flags
FROM result s
JOIN run r USING (run_id)
JOIN experiment e USING (experiment_id)
CROSS JOIN LATERAL (
    SELECT (SELECT sum(j) FROM unnest(s.energy_gross_j) AS j)::double precision AS gross_j,
           (SELECT sum(j) FROM unnest(s.energy_net_j) AS j)::double precision   AS net_j
) AS total
WHERE s.energy_source IS NOT NULL;

-- Per experiment: the measured runs, their mean joules and joules per training sample,
-- and the sources they came from ('estimate' among them means a model, not a meter).
CREATE VIEW experiment_energy AS
SELECT experiment_id,
       dataset,
       count(*)                                   AS runs_measured,
       avg(gross_j)                               AS mean_gross_j,
       avg(net_j)                                 AS mean_net_j,
       avg(gross_j_per_train_sample)              AS mean_gross_j_per_train_sample,
       avg(net_j_per_train_sample)                AS mean_net_j_per_train_sample,
       string_agg(DISTINCT source, ',')           AS sources,
       count(*) FILTER (WHERE 'shared_node' = ANY (flags)) AS runs_on_shared_nodes
FROM run_energy
GROUP BY experiment_id, dataset;

-- Per dataset: the same over all its experiments, and the total.
CREATE VIEW dataset_energy AS
SELECT dataset,
       count(*)                                   AS runs_measured,
       sum(gross_j)                               AS total_gross_j,
       sum(net_j)                                 AS total_net_j,
       avg(gross_j_per_train_sample)              AS mean_gross_j_per_train_sample,
       avg(net_j_per_train_sample)                AS mean_net_j_per_train_sample,
       string_agg(DISTINCT source, ',')           AS sources
FROM run_energy
GROUP BY dataset;

-- The joules each measured run spent until its test loss first reached `target`: the
-- epochs up to and including that one. Runs that never reached it are left out.
CREATE FUNCTION energy_to_test_loss(target double precision)
RETURNS TABLE (run_id bigint, experiment_id bigint, dataset text, epoch bigint,
               gross_j double precision, net_j double precision)
LANGUAGE sql STABLE AS $$
SELECT s.run_id, r.experiment_id, e.dataset, reached.epoch,
       (SELECT sum(j) FROM unnest(s.energy_gross_j[1:reached.epoch]) AS j)::double precision,
       (SELECT sum(j) FROM unnest(s.energy_net_j[1:reached.epoch]) AS j)::double precision
FROM result s
JOIN run r USING (run_id)
JOIN experiment e USING (experiment_id)
CROSS JOIN LATERAL (
    SELECT min(t.epoch) AS epoch
    FROM unnest(s.test_loss) WITH ORDINALITY AS t(loss, epoch)
    WHERE t.loss <= target
) AS reached
WHERE s.energy_source IS NOT NULL AND reached.epoch IS NOT NULL
$$;

-- The same per experiment and per dataset: how many measured runs reached `target`, and
-- the mean joules they took to get there.
CREATE FUNCTION experiment_energy_to_test_loss(target double precision)
RETURNS TABLE (experiment_id bigint, dataset text, runs_measured bigint, runs_reaching bigint,
               mean_epoch double precision, mean_gross_j double precision,
               mean_net_j double precision)
LANGUAGE sql STABLE AS $$
SELECT m.experiment_id, m.dataset, m.runs_measured, count(t.run_id), avg(t.epoch),
       avg(t.gross_j), avg(t.net_j)
FROM experiment_energy m
LEFT JOIN energy_to_test_loss(target) t USING (experiment_id)
GROUP BY m.experiment_id, m.dataset, m.runs_measured
$$;

CREATE FUNCTION dataset_energy_to_test_loss(target double precision)
RETURNS TABLE (dataset text, runs_measured bigint, runs_reaching bigint,
               mean_gross_j double precision, mean_net_j double precision)
LANGUAGE sql STABLE AS $$
SELECT m.dataset, m.runs_measured, count(t.run_id), avg(t.gross_j), avg(t.net_j)
FROM dataset_energy m
LEFT JOIN energy_to_test_loss(target) t USING (dataset)
GROUP BY m.dataset, m.runs_measured
$$;
