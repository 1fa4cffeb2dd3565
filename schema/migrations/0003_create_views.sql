-- The queue as people look at it: views for `joulesweep status` and for psql
-- (docs/sql.md), and joulesweep_reader, a role that can read everything and change nothing.
-- Views carry no ORDER BY; callers sort.

-- Runs by state for each sweep label and dataset. A run whose experiment belongs to two
-- sweeps counts under both; a run with no label counts under ''.
CREATE VIEW queue_summary AS
SELECT coalesce(l.label, '') AS label,
       e.dataset,
       count(*) FILTER (WHERE r.status = 'pending')                             AS pending,
       count(*) FILTER (WHERE r.status = 'pending' AND r.not_before > now())    AS backing_off,
       count(*) FILTER (WHERE r.status = 'running')                             AS running,
       count(*) FILTER (WHERE r.status = 'done')                                AS done,
       count(*) FILTER (WHERE r.status = 'failed')                              AS failed,
       count(*)                                                                 AS total
FROM run r
JOIN experiment e USING (experiment_id)
LEFT JOIN experiment_label l USING (experiment_id)
GROUP BY 1, 2;

-- Every coordinator with the age of its lease (seconds since its last heartbeat) and
-- what it holds and has stored.
CREATE INDEX result_by_coordinator ON result (coordinator_id);
CREATE VIEW coordinators AS
SELECT c.coordinator_id,
       c.slurm_job_id,
       c.host,
       c.pid,
       c.state,
       c.worker_count,
       c.started_at,
       c.heartbeat_at,
       round(extract(epoch FROM now() - c.heartbeat_at)::numeric, 1) AS lease_age_s,
       (SELECT count(*) FROM run r
         WHERE r.owner_id = c.coordinator_id AND r.status = 'running')  AS running,
       (SELECT count(*) FROM result s WHERE s.coordinator_id = c.coordinator_id) AS completed,
       c.software
FROM coordinator c;

-- Errors grouped by message: dead letters (failed for good) and runs that will be
-- retried after their backoff. `joulesweep queue redrive --matching TEXT` requeues the
-- dead letters of one group after a fix.
CREATE INDEX run_with_error ON run (run_id) WHERE last_error IS NOT NULL AND status <> 'done';
CREATE VIEW failures AS
SELECT r.last_error                                        AS error,
       count(*) FILTER (WHERE r.status = 'failed')         AS dead_letters,
       count(*) FILTER (WHERE r.status <> 'failed')        AS retrying,
       count(DISTINCT r.experiment_id)                     AS experiments,
       min(r.run_id)                                       AS example_run_id,
       max(coalesce(r.finished_at, r.claimed_at))          AS last_seen
FROM run r
WHERE r.last_error IS NOT NULL AND r.status <> 'done'
GROUP BY r.last_error;

-- Runs done in each of the last 60 minutes, the current minute included; quiet minutes
-- show as 0.
CREATE VIEW throughput AS
SELECT m.minute,
       count(r.run_id) AS runs_done
FROM generate_series(date_trunc('minute', now()) - interval '59 minutes',
                     date_trunc('minute', now()),
                     interval '1 minute') AS m(minute)
LEFT JOIN run r
       ON r.status = 'done'
      AND r.finished_at >= m.minute
      AND r.finished_at < m.minute + interval '1 minute'
GROUP BY m.minute;

-- Each sweep's progress and an ETA. The rate is measured over the last hour, or since
-- the first of those runs was claimed if that is more recent, so a sweep that started
-- ten minutes ago is not charged for fifty idle ones. No recent completions: no ETA.
CREATE VIEW progress AS
WITH per_label AS (
    SELECT coalesce(l.label, '')                                  AS label,
           count(*)                                               AS total,
           count(*) FILTER (WHERE r.status = 'done')              AS done,
           count(*) FILTER (WHERE r.status = 'failed')            AS failed,
           count(*) FILTER (WHERE r.status = 'running')           AS running,
           count(*) FILTER (WHERE r.status = 'pending')           AS pending,
           count(*) FILTER (WHERE r.status = 'done'
                              AND r.finished_at > now() - interval '1 hour') AS recent,
           min(r.claimed_at) FILTER (WHERE r.status = 'done'
                              AND r.finished_at > now() - interval '1 hour') AS recent_since
    FROM run r
    LEFT JOIN experiment_label l USING (experiment_id)
    GROUP BY 1
), rated AS (
    SELECT p.*,
           CASE WHEN p.recent > 0 THEN
               p.recent / greatest(extract(epoch FROM now() - greatest(p.recent_since,
                                                                now() - interval '1 hour')), 1)
           END AS runs_per_s
    FROM per_label p
)
SELECT label,
       total,
       done,
       failed,
       running,
       pending,
       round(100.0 * (done + failed) / total, 1)                   AS percent_finished,
       round((runs_per_s * 60)::numeric, 1)                        AS runs_per_minute,
       CASE WHEN pending + running = 0 THEN interval '0'
            WHEN runs_per_s > 0 THEN
                date_trunc('second', make_interval(secs => (pending + running) / runs_per_s))
       END                                                         AS eta
FROM rated;

-- What is training right now: each running run, its coordinator, and its epoch so far.
CREATE VIEW runs_in_flight AS
SELECT r.run_id,
       e.dataset,
       e.shape,
       e.depth,
       e.size,
       r.repetition,
       r.attempt,
       r.current_epoch,
       e.epochs,
       r.owner_id                                        AS coordinator_id,
       c.host,
       c.slurm_job_id,
       r.claimed_at,
       date_trunc('second', now() - r.claimed_at)        AS running_for
FROM run r
JOIN experiment e USING (experiment_id)
JOIN coordinator c ON c.coordinator_id = r.owner_id
WHERE r.status = 'running';

-- joulesweep_reader may read every table and view in this schema and change nothing.
-- Roles belong to the whole server, so it may exist already (another joulesweep database,
-- or a concurrent migration); a user without CREATEROLE gets a notice and docs/sql.md
-- says how an administrator creates it. Tables that later migrations add are granted
-- through the default privileges.
DO $reader$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'joulesweep_reader') THEN
        BEGIN
            CREATE ROLE joulesweep_reader NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL;
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'role joulesweep_reader not created: % lacks CREATEROLE '
                             '(see docs/sql.md, "A read-only role")', current_user;
                RETURN;
        END;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO joulesweep_reader', current_schema());
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO joulesweep_reader',
                   current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES '
                   'TO joulesweep_reader', current_schema());
END
$reader$;
