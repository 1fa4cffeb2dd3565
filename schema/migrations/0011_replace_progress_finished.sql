-- A sweep is finished when its runs are done: a failed run (a dead letter) is not
-- finished work, so `percent_finished` counts done runs only, and a sweep whose runs all
-- failed no longer shows 100%. `failed` counts runs; `failed_attempts`, new, counts the
-- failures workers reported (a run retried three times is one failed run, three attempts).
CREATE OR REPLACE VIEW progress AS
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
                              AND r.finished_at > now() - interval '1 hour') AS recent_since,
           sum(r.error_count)                                     AS failed_attempts
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
       round(100.0 * done / total, 1)                              AS percent_finished,
       round((runs_per_s * 60)::numeric, 1)                        AS runs_per_minute,
       CASE WHEN pending + running = 0 THEN interval '0'
            WHEN runs_per_s > 0 THEN
                date_trunc('second', make_interval(secs => (pending + running) / runs_per_s))
       END                                                         AS eta,
       failed_attempts::bigint                                     AS failed_attempts
FROM rated;
