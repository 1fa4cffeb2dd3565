#include "joulesweep/coordinator/reports/queue_report.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/coordinator/queue/run_queue.hpp"

#include "queue_fixture.hpp"
#include "test_database.hpp"

namespace joulesweep::coordinator {
namespace {

const ReportTable& table_titled(const std::vector<ReportTable>& tables, const std::string& prefix) {
    for (const auto& table : tables) {
        if (table.title.starts_with(prefix)) {
            return table;
        }
    }
    FAIL("no table titled " << prefix);
    return tables.front();
}

std::size_t column_of(const ReportTable& table, const std::string& name) {
    for (std::size_t column = 0; column < table.columns.size(); ++column) {
        if (table.columns[column] == name) {
            return column;
        }
    }
    FAIL("no column " << name << " in " << table.title);
    return 0;
}

}  // namespace

TEST_CASE("read_queue_report: every table, numbers right-aligned, NULL as '-', rows limited",
          "[coordinator][db][status]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    RunQueue queue(database, testing::fast_options());
    testing::enqueue_runs(database, 12);
    const auto coordinator = queue.register_coordinator(testing::registration("node-3"));
    const auto claimed = queue.claim(coordinator, 5);

    const auto tables = read_queue_report(database, QueueReportOptions{3});
    REQUIRE(tables.size() == 6);

    const ReportTable& progress = table_titled(tables, "Progress");
    REQUIRE(progress.rows.size() == 1);
    CHECK(progress.rows[0][column_of(progress, "total")] == "12");
    CHECK(progress.rows[0][column_of(progress, "running")] == "5");
    CHECK(progress.rows[0][column_of(progress, "eta")] == "-");  // nothing done yet: no rate
    CHECK(progress.numeric[column_of(progress, "total")]);
    CHECK_FALSE(progress.numeric[column_of(progress, "sweep")]);

    const ReportTable& in_flight = table_titled(tables, "Runs in flight");
    CHECK(in_flight.rows.size() == 3);
    CHECK(in_flight.truncated);
    CHECK(in_flight.rows[0][column_of(in_flight, "epoch")] == "0/3");
    CHECK(in_flight.rows[0][column_of(in_flight, "host")] == "node-3");

    const ReportTable& coordinators = table_titled(tables, "Coordinators");
    REQUIRE(coordinators.rows.size() == 1);
    CHECK(coordinators.rows[0][column_of(coordinators, "slurm job")] == "-");
    CHECK(coordinators.rows[0][column_of(coordinators, "running")] == "5");

    const ReportTable& failures = table_titled(tables, "Failures");
    CHECK(failures.rows.empty());
    CHECK_FALSE(failures.empty_text.empty());
    CHECK_FALSE(failures.truncated);
}

}  // namespace joulesweep::coordinator
