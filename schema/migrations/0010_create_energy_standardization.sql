-- BUTTER-E's idle standardisation over stored runs (docs/sql.md, "Standardised energy"):
-- nodes of different types idle at different power, so BUTTER-E shifted each node
-- type's power by an offset that puts its median 2nd-percentile run power onto a
-- reference type's. Node types come from each run's energy provenance (CPU model and
-- CPU count); runs stored before it was recorded are of type 'unknown'.

-- One row per measured run: its node type, seconds, joules and mean power.
CREATE VIEW run_power AS
SELECT s.run_id,
       r.experiment_id,
       e.dataset,
       s.host,
       coalesce(s.energy_provenance ->> 'node_type', 'unknown') AS node_type,
       s.energy_source                                          AS source,
       total.run_s,
       total.gross_j,
       total.net_j,
       total.gross_j / nullif(total.run_s, 0)                   AS gross_w,
       total.net_j / nullif(total.run_s, 0)                     AS net_w
FROM result s
JOIN run r USING (run_id)
JOIN experiment e USING (experiment_id)
CROSS JOIN LATERAL (
    SELECT (SELECT sum(t) FROM unnest(s.epoch_wall_s) AS t)::double precision   AS run_s,
           (SELECT sum(j) FROM unnest(s.energy_gross_j) AS j)::double precision AS gross_j,
           (SELECT sum(j) FROM unnest(s.energy_net_j) AS j)::double precision   AS net_j
) AS total
WHERE s.energy_source IS NOT NULL;

-- Per node type: its nodes, runs, and the median over its nodes of each node's 2nd
-- percentile of run power (gross): what BUTTER-E aligned.
CREATE VIEW node_type_idle_power AS
WITH per_node AS (
    SELECT node_type, host, count(*) AS runs,
           percentile_cont(0.02) WITHIN GROUP (ORDER BY gross_w) AS p2_w
    FROM run_power
    WHERE gross_w IS NOT NULL
    GROUP BY node_type, host
)
SELECT node_type,
       count(*)                                           AS nodes,
       sum(runs)::bigint                                  AS runs,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY p2_w)  AS median_p2_w
FROM per_node
GROUP BY node_type;

-- Every measured run's power standardised to `reference_node_type` (default: the type
-- with the most runs): offset_w = the reference's median_p2_w minus its own type's;
-- std_power_w = gross_w + offset_w; std_energy_j = std_power_w x run_s. An unknown
-- reference is an error, not an empty answer.
CREATE FUNCTION standardized_run_energy(reference_node_type text DEFAULT NULL)
RETURNS TABLE (run_id bigint, node_type text, host text, run_s double precision,
               gross_w double precision, offset_w double precision,
               std_power_w double precision, std_energy_j double precision)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    reference_w double precision;
    reference   text := reference_node_type;
BEGIN
    IF reference IS NULL THEN
        SELECT t.node_type INTO reference
        FROM node_type_idle_power t ORDER BY t.runs DESC, t.node_type LIMIT 1;
    END IF;
    SELECT t.median_p2_w INTO reference_w FROM node_type_idle_power t WHERE t.node_type = reference;
    IF reference_w IS NULL THEN
        RAISE EXCEPTION 'standardized_run_energy: no measured runs on node type %',
            coalesce(quote_literal(reference_node_type), '(any: nothing is measured)')
            USING HINT = 'SELECT node_type FROM node_type_idle_power lists the types';
    END IF;
    RETURN QUERY
    SELECT p.run_id, p.node_type, p.host, p.run_s, p.gross_w,
           reference_w - t.median_p2_w,
           p.gross_w + (reference_w - t.median_p2_w),
           (p.gross_w + (reference_w - t.median_p2_w)) * p.run_s
    FROM run_power p
    JOIN node_type_idle_power t USING (node_type)
    WHERE p.gross_w IS NOT NULL;
END
$$;
