#!/usr/bin/env bash
# run: size searches as queue work. A sweep's search: block enqueues searches; a worker
# trains each attempt after attempt and the coordinator stores every finished attempt.
# A worker SIGKILLed mid-search loses only the attempt it was training: after the lease
# expires the next job resumes each search after its last stored attempt. Every search
# ends with exactly one final attempt, no attempt is stored twice, and no result row is
# written for a search.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
RUN_BACKEND=eigen
use_fresh_database
run_joulesweep --db "$FRESH_DB" db migrate
expect_status 0 "db migrate"
prepare_run_datasets banana
cat >"$TEST_DIR/search.yaml" <<'YAML'
label: searches
repetitions: 2
grid: {dataset: banana, shape: rectangle, depth: 3, epochs: 60, learning_rate: 0.01,
       batch_size: 64, validation_fraction: 0.1}
search:
  target: 0.15
  start_size: 16
  max_size: 1024
  failure: full
YAML
run_joulesweep --db "$FRESH_DB" enqueue "$TEST_DIR/search.yaml"
expect_status 0 "enqueue the searches of a sweep file"
expect_contains "$out" "enqueued 1 new experiments"
# The same searches under another failure rule, from the command line. Its flags cannot
# set the learning rate or batch size: those stay BUTTER's (lr 1e-4, batch 256).
run_joulesweep --db "$FRESH_DB" search --dataset banana --target 0.15 --start-size 16 \
    --max-size 1024 --epochs 60 --validation-fraction 0.1 --repetitions 2 \
    --failure "proportional(0.01,3)" --label searches
expect_status 0 "search --dataset banana --target 0.15"
expect_contains "$out" "enqueued 1 new search experiments (0 were already queued) and 2 new searches"
[[ $(fresh_query "SELECT string_agg(kind || ' ' || search_failure, ', ' ORDER BY search_failure) FROM experiment") == \
    "search full, search proportional(0.01, 3)" ]] || fail "the experiments should be searches: $(fresh_query "TABLE experiment")"
run_joulesweep --db "$FRESH_DB" search --results
expect_status 0 "search --results before any search ran"
expect_contains "$out" "0/0/2"
readonly lease=4

# A search still running with at least one attempt stored: killed now, it must resume.
search_midway() {
    [[ $(fresh_query "SELECT count(DISTINCT a.run_id) FROM search_attempt a JOIN run r USING (run_id)
                      WHERE r.status = 'running' AND a.outcome <> 'skipped'") -ge 1 ]]
}

start_job "$TEST_DIR/job-killed.log" --lease "$lease" --retry-backoff 1
wait_for 120 "a search with a stored attempt" search_midway
coordinator=$(coordinator_pid)
victim=$(pgrep -P "$job_pid" -f "joulesweep.* run" | grep -vx "$coordinator" | head -1)
[[ -n "$victim" ]] || fail "no worker process found"
kill -KILL "$victim"
job_status=0
wait "$job_pid" || job_status=$?
[[ $job_status != 0 ]] || fail "mpirun should fail when a rank is killed: $(cat "$TEST_DIR/job-killed.log")"
# Open MPI ends the other ranks with SIGTERM, so the coordinator may release its claims
# before it dies; either way the searches are not done.
interrupted=$(fresh_query "SELECT string_agg(DISTINCT a.run_id::text, ',') FROM search_attempt a
                           JOIN run r USING (run_id) WHERE r.status <> 'done'")
[[ -n $interrupted ]] ||
    fail "the killed job should have left a search unfinished with attempts stored: $(fresh_query "TABLE search_result")"
grep -q "search run .* attempt 0 on rank" "$TEST_DIR/job-killed.log" ||
    fail "the job should log each stored attempt: $(cat "$TEST_DIR/job-killed.log")"

sleep $((lease + 1))
for attempt in 1 2 3 4 5; do
    run_job --lease "$lease" --retry-backoff 1
    expect_status 0 "run after the kill (attempt $attempt)"
    [[ $(fresh_query "SELECT count(*) FROM run WHERE status <> 'done'") == 0 ]] && break
    sleep 1.5
done
[[ $(fresh_query "SELECT count(*) FROM run WHERE status = 'done'") == 4 ]] ||
    fail "every search should be done: $(fresh_query "SELECT status, count(*) FROM run GROUP BY 1")"
[[ $(fresh_query "SELECT count(*) FROM result") == 0 ]] || fail "a search stores no result row"

# Attempts: numbered 0..n-1 without a gap in every search, the last one final (reached,
# or the ladder's last size), every earlier one a failure or a skip.
bad=$(fresh_query "SELECT run_id FROM search_attempt GROUP BY run_id
                   HAVING max(attempt_number) <> count(*) - 1 OR min(attempt_number) <> 0")
[[ -z $bad ]] || fail "searches with gaps in their attempts: $bad"
bad=$(fresh_query "SELECT a.run_id FROM search_attempt a
                   WHERE a.outcome = 'reached'
                     AND a.attempt_number <> (SELECT max(b.attempt_number) FROM search_attempt b
                                              WHERE b.run_id = a.run_id)")
[[ -z $bad ]] || fail "a search went on after reaching its target: $bad"
bad=$(fresh_query "SELECT s.run_id FROM search_result s
                   WHERE NOT s.reached AND s.attempts <> 7")  # 16, 32, ..., 1024
[[ -z $bad ]] || fail "a search that did not reach should have tried the whole ladder: $bad"
bad=$(fresh_query "SELECT run_id FROM search_attempt
                   WHERE outcome = 'reached' AND best_loss > 0.15
                      OR outcome <> 'skipped' AND (cardinality(validation_loss) <> epochs
                                                    OR cardinality(energy_gross_j) <> epochs)")
[[ -z $bad ]] || fail "attempts whose series or outcome disagree: $bad"
[[ $(fresh_query "SELECT count(*) FROM search_result WHERE reached") -ge 1 ]] ||
    fail "at least one search should reach 0.15: $(fresh_query "TABLE search_result")"

# The interrupted searches resumed: their attempts were stored under two claims, the
# first claim's attempts kept (not trained again from the first size).
for run_id in ${interrupted//,/ }; do
    claims=$(fresh_query "SELECT string_agg(DISTINCT claim::text, ',' ORDER BY claim::text)
                          FROM search_attempt WHERE run_id = $run_id")
    first=$(fresh_query "SELECT min(attempt_number) FROM search_attempt WHERE run_id = $run_id AND claim = 2")
    [[ $claims == "1,2" ]] || fail "search $run_id: attempts stored under claims $claims, not 1 then 2"
    [[ $first -ge 1 ]] || fail "search $run_id restarted from its first attempt"
done

run_joulesweep --db "$FRESH_DB" search --results --dataset banana
expect_status 0 "search --results"
expect_contains "$out" "Size searches"
grep -Eq "banana +rectangle +3 +0.15 +full +[0-9]/2/2 " <<<"$out" ||
    fail "search --results should show the finished searches: $out"
reached=$(fresh_query "SELECT min(size) FROM search_attempt WHERE outcome = 'reached'")
grep -Eq " $reached " <<<"$out" || fail "search --results should name the smallest size reached ($reached): $out"
