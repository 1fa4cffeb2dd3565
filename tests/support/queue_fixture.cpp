#include "queue_fixture.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/pqxx>
#include <unistd.h>

#include "test_database.hpp"

namespace joulesweep::testing {

void enqueue_runs(coordinator::Database& database, int count, const std::vector<int>& priorities) {
    migrate_fully(database);
    database.with_transaction("enqueue test runs", [&](pqxx::work& transaction) {
        const auto experiment_id =
            transaction
                .exec1(
                    "INSERT INTO experiment (experiment_key, dataset, shape, depth, size, "
                    "learning_rate, batch_size, optimizer, epochs, config) VALUES "
                    "('test', '529_pollen', 'rectangle', 3, 1024, 0.0001, 256, 'adam', 3, '{}') "
                    "RETURNING experiment_id")[0]
                .as<std::int64_t>();
        for (int index = 0; index < count; ++index) {
            transaction.exec_params0(
                "INSERT INTO run (experiment_id, repetition, seed, priority) VALUES ($1, $2, $3, "
                "$4)",
                experiment_id,
                index,
                1000 + index,
                priorities[static_cast<std::size_t>(index) % priorities.size()]);
        }
    });
}

coordinator::CoordinatorRegistration registration(const std::string& host) {
    return coordinator::CoordinatorRegistration{
        std::nullopt, host, static_cast<int>(getpid()), 2, "joulesweep test"};
}

common::RunOutcome completion_for(const coordinator::ClaimedRun& claimed, int epochs) {
    common::RunOutcome completion;
    completion.run_id = claimed.run_id;
    completion.attempt = claimed.attempt;
    common::RunResult& result = completion.result;
    result.seed = claimed.seed;
    result.host = "node-1";
    result.software_json = R"({"joulesweep": "test"})";
    result.backend = common::Backend::kEigen;
    result.widths = {5, 5, 1};
    result.parameter_count = 61;
    result.flops_per_epoch = 1.0e6;
    for (int epoch = 0; epoch < epochs; ++epoch) {
        result.epoch_wall_s.push_back(0.25F);
        for (auto& series : result.statistics) {
            series.push_back(1.0F / static_cast<float>(epoch + 3));
        }
    }
    return completion;
}

std::vector<common::RunOutcome> completions_for(const std::vector<coordinator::ClaimedRun>& claimed,
                                                int epochs) {
    std::vector<common::RunOutcome> completions;
    completions.reserve(claimed.size());
    for (const auto& run : claimed) {
        completions.push_back(completion_for(run, epochs));
    }
    return completions;
}

coordinator::QueueOptions fast_options() {
    coordinator::QueueOptions options;
    options.lease = std::chrono::seconds(60);
    options.retry_backoff_base = std::chrono::seconds(0);  // retries claimable at once in tests
    return options;
}

}  // namespace joulesweep::testing
