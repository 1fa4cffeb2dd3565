-- An experiment is what is trained, not how: the backend leaves the experiment (a job
-- chooses it, `joulesweep run --backend`; every result already records the backend and
-- thread count that trained it), and `shuffle` joins it (false: the same batch order
-- every epoch, as BUTTER-E trained). Every stored experiment shuffled every epoch.
--
-- The key loses its leading "backend=...;" and gains "shuffle=true;" before "size=" (the
-- key lists every field in name order). Experiments that differed only in backend now
-- have one key: they merge into the oldest (lowest experiment_id). Their runs move to it
-- with repetition numbers after its own, in (experiment_id, repetition) order, and keep
-- their run_id, seed, status, results and energy; their labels join its labels.
CREATE TEMP TABLE experiment_merge ON COMMIT DROP AS
SELECT experiment_id,
       min(experiment_id) OVER (PARTITION BY new_key) AS keeper,
       new_key
FROM (SELECT experiment_id,
             replace(regexp_replace(experiment_key, '^backend=[^;]*;', ''),
                     ';size=', ';shuffle=true;size=') AS new_key
      FROM experiment) AS keyed;

UPDATE run
SET experiment_id = moved.keeper,
    repetition = moved.repetition
FROM (SELECT r.run_id,
             m.keeper,
             (SELECT coalesce(max(k.repetition), -1) FROM run k WHERE k.experiment_id = m.keeper)
                 + row_number() OVER (PARTITION BY m.keeper
                                      ORDER BY r.experiment_id, r.repetition) AS repetition
      FROM run r
      JOIN experiment_merge m USING (experiment_id)
      WHERE m.experiment_id <> m.keeper) AS moved
WHERE run.run_id = moved.run_id;

INSERT INTO experiment_label (experiment_id, label)
SELECT m.keeper, l.label
FROM experiment_label l
JOIN experiment_merge m USING (experiment_id)
WHERE m.experiment_id <> m.keeper
ON CONFLICT DO NOTHING;

DELETE FROM experiment_label l
USING experiment_merge m
WHERE l.experiment_id = m.experiment_id AND m.experiment_id <> m.keeper;

DELETE FROM experiment e
USING experiment_merge m
WHERE e.experiment_id = m.experiment_id AND m.experiment_id <> m.keeper;

ALTER TABLE experiment
    DROP COLUMN backend,
    ADD COLUMN shuffle boolean NOT NULL DEFAULT true;

UPDATE experiment e
SET experiment_key = m.new_key,
    config = (e.config - 'backend') || '{"shuffle": true}'::jsonb
FROM experiment_merge m
WHERE e.experiment_id = m.experiment_id;
