#include "joulesweep/coordinator/db/migrations.hpp"

#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/run_result.hpp"
#include "joulesweep/common/topology.hpp"

#include "test_database.hpp"

namespace joulesweep::coordinator {
namespace {

constexpr const char* kSoftware = "joulesweep test";

int count_rows(Database& database, const std::string& table) {
    return database.with_transaction("count rows", [&](pqxx::work& transaction) {
        return transaction.exec1("SELECT count(*) FROM " + table)[0].as<int>();
    });
}

std::vector<Migration> two_migrations() {
    return {{1, "create_alpha", "CREATE TABLE alpha (id integer PRIMARY KEY);"},
            {2,
             "create_beta",
             "CREATE TABLE beta (id integer PRIMARY KEY); INSERT INTO beta VALUES (1);"}};
}

// The known migrations up to and including `version`.
std::vector<Migration> migrations_up_to(int version) {
    std::vector<Migration> some;
    for (const Migration& migration : known_migrations()) {
        if (migration.version <= version) {
            some.push_back(migration);
        }
    }
    return some;
}

// An experiment as a version-14 binary stored it: the backend in the key and a column.
void insert_v14_experiment(pqxx::work& transaction,
                           const std::string& dataset,
                           const std::string& backend) {
    const std::string key = "backend=" + backend + ";batch_size=256;dataset=" + dataset +
                            ";depth=3;epochs=3000;l1=0;l2=0;label_noise=0;learning_rate=0.0001;"
                            "momentum=0;optimizer=adam;shape=rectangle;size=1024;"
                            "test_fraction=0.2;validation_fraction=0";
    transaction.exec_params0(
        "INSERT INTO experiment (experiment_key, dataset, shape, depth, size, learning_rate, "
        "batch_size, optimizer, epochs, backend, config) VALUES ($1, $2, 'rectangle', 3, 1024, "
        "1e-4, 256, 'adam', 3000, $3, jsonb_build_object('dataset', $2::text, 'backend', "
        "$3::text))",
        key,
        dataset,
        backend);
}

}  // namespace

TEST_CASE("migration 15: experiments that differed only in backend merge, losing no run",
          "[coordinator][db]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    MigrationRunner(database, migrations_up_to(14), kSoftware).migrate();
    database.with_transaction("store version-14 experiments", [](pqxx::work& transaction) {
        insert_v14_experiment(transaction, "banana", "auto");    // experiment 1
        insert_v14_experiment(transaction, "banana", "eigen");   // 2: merges into 1
        insert_v14_experiment(transaction, "mnist", "onednn");   // 3: stays alone
        insert_v14_experiment(transaction, "banana", "packed");  // 4: merges into 1
        transaction.exec0(
            "INSERT INTO run (experiment_id, repetition, seed, status, finished_at) VALUES "
            "(1, 0, 10, 'done', now()), (1, 1, 11, 'pending', NULL), (2, 0, 20, 'done', now()), "
            "(2, 1, 21, 'pending', NULL), (3, 0, 30, 'pending', NULL), (4, 0, 40, 'failed', "
            "now())");
        transaction.exec0(
            "INSERT INTO experiment_label VALUES (1, 'primary'), (2, 'primary'), (2, "
            "'eigen_only'), "
            "(3, 'primary'), (4, 'packed_only')");
    });
    MigrationRunner(database, known_migrations(), kSoftware).migrate();
    database.with_transaction("read the merged queue", [](pqxx::work& transaction) {
        common::ExperimentConfig banana;
        banana.dataset = "banana";
        CHECK(transaction
                  .exec1("SELECT string_agg(experiment_id || ' ' || experiment_key, ', ' ORDER BY "
                         "experiment_id) FROM experiment")[0]
                  .as<std::string>() == "1 " + common::canonical_key(banana) + ", 3 " + [] {
            common::ExperimentConfig mnist;
            mnist.dataset = "mnist";
            return common::canonical_key(mnist);
        }());
        // Every run is kept with its id, seed and status; the moved ones number on.
        CHECK(transaction
                  .exec1("SELECT string_agg(format('%s:%s/%s/%s/%s', run_id, experiment_id, "
                         "repetition, seed, status), ' ' ORDER BY run_id) FROM run")[0]
                  .as<std::string>() ==
              "1:1/0/10/done 2:1/1/11/pending 3:1/2/20/done 4:1/3/21/pending 5:3/0/30/pending "
              "6:1/4/40/failed");
        CHECK(transaction
                  .exec1("SELECT string_agg(experiment_id || ' ' || label, ', ' ORDER BY "
                         "experiment_id, label) FROM experiment_label")[0]
                  .as<std::string>() == "1 eigen_only, 1 packed_only, 1 primary, 3 primary");
        CHECK(transaction
                  .exec1("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                         "'experiment' AND column_name = 'backend'")[0]
                  .as<int>() == 0);
        CHECK(transaction
                  .exec1("SELECT bool_and(shuffle) AND bool_and(config->'shuffle' = 'true') "
                         "AND NOT bool_or(config ? 'backend') FROM experiment")[0]
                  .as<bool>());
    });
}

TEST_CASE("MigrationRunner: applies every migration to an empty database", "[coordinator][db]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    MigrationRunner runner(database, known_migrations(), kSoftware);

    const SchemaState before = runner.inspect();
    CHECK(before.applied_version == 0);
    CHECK(before.known_version == known_migrations().back().version);
    CHECK(before.pending.size() == known_migrations().size());

    const std::vector<int> applied = runner.migrate();
    CHECK(applied.size() == known_migrations().size());
    const SchemaState after = runner.inspect();
    CHECK(after.is_current());
    CHECK(count_rows(database, "schema_migrations") == static_cast<int>(known_migrations().size()));
    CHECK_NOTHROW(runner.require_current());
}

TEST_CASE("MigrationRunner: re-applying is a no-op", "[coordinator][db]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    MigrationRunner runner(database, two_migrations(), kSoftware);
    CHECK(runner.migrate() == std::vector<int>{1, 2});
    CHECK(runner.migrate().empty());
    CHECK(runner.migrate().empty());
    CHECK(count_rows(database, "beta") == 1);  // the INSERT ran exactly once
    CHECK(count_rows(database, "schema_migrations") == 2);
}

TEST_CASE("MigrationRunner: applies only what is pending after an upgrade", "[coordinator][db]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    auto migrations = two_migrations();
    MigrationRunner older(database, {migrations[0]}, kSoftware);
    CHECK(older.migrate() == std::vector<int>{1});
    MigrationRunner newer(database, migrations, kSoftware);
    CHECK(newer.inspect().pending == std::vector<int>{2});
    CHECK_THROWS_WITH(newer.require_current(), Catch::Contains("run `joulesweep db migrate`"));
    CHECK(newer.migrate() == std::vector<int>{2});
}

TEST_CASE("MigrationRunner: refuses a database newer than the binary and changes nothing",
          "[coordinator][db]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    MigrationRunner newer(database, two_migrations(), kSoftware);
    newer.migrate();

    MigrationRunner older(database, {two_migrations()[0]}, kSoftware);
    CHECK(older.inspect().is_newer_than_binary());
    CHECK_THROWS_WITH(
        older.migrate(),
        Catch::Contains(
            "schema is at version 2, newer than this joulesweep test knows (up to version 1)"));
    CHECK_THROWS_AS(older.require_current(), common::DatabaseError);
    CHECK(count_rows(database, "schema_migrations") == 2);
    CHECK(count_rows(database, "beta") == 1);
}

TEST_CASE("MigrationRunner: a failing migration rolls back whole and is not recorded",
          "[coordinator][db]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    std::vector<Migration> migrations = two_migrations();
    migrations.push_back(
        {3, "break_things", "CREATE TABLE gamma (id integer); SELECT no_such_function();"});
    MigrationRunner runner(database, migrations, kSoftware);
    CHECK_THROWS_WITH(
        runner.migrate(),
        Catch::Contains("apply migration 0003_break_things") && Catch::Contains("SQLSTATE 42883"));
    const SchemaState state = runner.inspect();
    CHECK(state.applied_version == 2);
    CHECK(state.pending == std::vector<int>{3});
    const bool gamma_exists =
        database.with_transaction("look for gamma", [](pqxx::work& transaction) {
            return transaction.exec1("SELECT to_regclass('gamma') IS NOT NULL")[0].as<bool>();
        });
    CHECK_FALSE(gamma_exists);
}

TEST_CASE("MigrationRunner: refuses an applied migration whose text was edited",
          "[coordinator][db]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    MigrationRunner original(database, two_migrations(), kSoftware);
    original.migrate();
    auto edited = two_migrations();
    edited[0].sql = "CREATE TABLE alpha (id bigint PRIMARY KEY);";
    edited.push_back({3, "create_gamma", "CREATE TABLE gamma (id integer);"});
    MigrationRunner runner(database, edited, kSoftware);
    CHECK_THROWS_WITH(runner.migrate(),
                      Catch::Contains("0001_create_alpha was edited after it was applied"));
    CHECK(runner.inspect().applied_version == 2);
}

TEST_CASE("MigrationRunner: concurrent migrations apply each version once", "[coordinator][db]") {
    const testing::TestDatabase fresh;
    std::vector<std::vector<int>> applied(2);
    std::vector<std::string> errors(2);
    std::vector<std::thread> threads;
    threads.reserve(2);
    for (std::size_t index = 0; index < 2; ++index) {
        threads.emplace_back([&, index] {
            try {
                Database database(fresh.target());
                MigrationRunner runner(database, two_migrations(), kSoftware);
                applied[index] = runner.migrate();
            } catch (const std::exception& error) {
                errors[index] = error.what();
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(errors[0].empty());
    CHECK(errors[1].empty());
    CHECK(applied[0].size() + applied[1].size() == 2);
    Database database(fresh.target());
    CHECK(count_rows(database, "beta") == 1);
}

TEST_CASE("describe: one line per schema state", "[coordinator][db]") {
    SchemaState current{1, 1, {}};
    CHECK(describe(current) == "version 1 (current)");
    SchemaState behind{0, 2, {1, 2}};
    CHECK(describe(behind) == "version 0 of 2: 2 migrations pending, run `joulesweep db migrate`");
    SchemaState ahead{5, 2, {}};
    CHECK(describe(ahead) ==
          "version 5, newer than this joulesweep knows (up to 2): upgrade joulesweep");
}

TEST_CASE("known_migrations: numbered from 1 without gaps, each with SQL", "[coordinator][db]") {
    const auto& migrations = known_migrations();
    REQUIRE_FALSE(migrations.empty());
    for (std::size_t index = 0; index < migrations.size(); ++index) {
        CHECK(migrations[index].version == static_cast<int>(index) + 1);
        CHECK_FALSE(migrations[index].name.empty());
        CHECK_FALSE(migrations[index].sql.empty());
    }
}

TEST_CASE("schema: stored names match the C++ names", "[coordinator][db]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    MigrationRunner(database, known_migrations(), kSoftware).migrate();
    database.with_transaction("read the schema", [](pqxx::work& transaction) {
        const auto shape_check = transaction
                                     .exec1(
                                         "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                                         "WHERE conname = 'experiment_shape_known'")[0]
                                     .as<std::string>();
        for (const common::Shape shape : common::kAllShapes) {
            INFO(common::to_text(shape));
            CHECK(shape_check.find("'" + std::string(common::to_text(shape)) + "'") !=
                  std::string::npos);
        }
        for (const auto name : common::kStatisticNames) {
            INFO(name);
            CHECK(
                transaction
                    .exec_params1(
                        "SELECT count(*) FROM information_schema.columns "
                        "WHERE table_name = 'result' AND column_name = $1 AND data_type = 'ARRAY'",
                        std::string(name))[0]
                    .as<int>() == 1);
        }
    });
}

}  // namespace joulesweep::coordinator
