-- Where a node has RAPL and a BMC, the meter reads both (docs/energy.md, "The rest of the
-- node"): the BMC's source, and per epoch the wall's joules minus RAPL's domains, in the
-- run's share (NULL where the BMC's once-a-second reads did not reach an epoch). Both
-- NULL for a run measured without a wall meter.
ALTER TABLE result
    ADD COLUMN energy_wall_source    text,
    ADD COLUMN energy_rest_of_node_j real[],
    ADD CONSTRAINT result_energy_wall_source_known CHECK (
        energy_wall_source IN ('ipmi_dcmi', 'ipmi_sensor')),
    ADD CONSTRAINT result_energy_rest_of_node_whole CHECK (
        (energy_wall_source IS NULL) = (energy_rest_of_node_j IS NULL)
        AND (energy_wall_source IS NULL OR energy_source IS NOT NULL)),
    ADD CONSTRAINT result_energy_rest_of_node_per_epoch CHECK (
        energy_rest_of_node_j IS NULL
        OR cardinality(energy_rest_of_node_j) = cardinality(epoch_wall_s));

-- One row per run measured with a wall meter beside RAPL: the rest of the node's joules
-- over the epochs the wall's reads reached, how many epochs that is, and the run's
-- RAPL joules over the same epochs, for the fraction of the node RAPL does not see.
CREATE VIEW run_rest_of_node AS
SELECT s.run_id,
       r.experiment_id,
       s.host,
       s.energy_source                                   AS source,
       s.energy_wall_source                              AS wall_source,
       cardinality(s.energy_rest_of_node_j)              AS epochs,
       known.epochs_known,
       known.rest_of_node_j,
       known.domains_j,
       known.rest_of_node_j / nullif(known.rest_of_node_j + known.domains_j, 0)
                                                         AS rest_of_node_fraction,
       ARRAY(SELECT jsonb_array_elements_text(s.energy_provenance -> 'flags')) AS flags
FROM result s
JOIN run r USING (run_id)
CROSS JOIN LATERAL (
    SELECT count(*)                         AS epochs_known,
           sum(rest)::double precision      AS rest_of_node_j,
           sum(gross)::double precision     AS domains_j
    FROM unnest(s.energy_rest_of_node_j, s.energy_gross_j) AS e(rest, gross)
    WHERE rest IS NOT NULL
) AS known
WHERE s.energy_wall_source IS NOT NULL;
