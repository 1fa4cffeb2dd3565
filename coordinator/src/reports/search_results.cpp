#include "joulesweep/coordinator/reports/search_results.hpp"

#include <string>

#include <pqxx/pqxx>

namespace joulesweep::coordinator {
namespace {

// Joules and operations to 4 significant digits; "-" for +Infinity (most searches did
// not reach the target) and for NULL (not measured).
constexpr const char* kResultsSql = R"sql(
SELECT dataset, shape, depth, target, failure,
       reached || '/' || done || '/' || searches AS "reached/done/queued",
       smallest_size_reached AS "smallest size reached",
       trim(to_char(nullif(median_search_gross_j, 'Infinity'), '9.999EEEE')) AS "search J (median)",
       trim(to_char(nullif(median_search_flops, 'Infinity'), '9.999EEEE')) AS "search ops (median)",
       cheapest_size AS "cheapest size",
       cheapest_parameters AS "its parameters",
       trim(to_char(cheapest_gross_j, '9.999EEEE')) AS "its J",
       trim(to_char(cheapest_flops, '9.999EEEE')) AS "its ops"
FROM search_summary
WHERE $1 = '' OR dataset = $1
ORDER BY dataset, shape, depth, target DESC, failure)sql";

}  // namespace

ReportTable read_search_results(Database& database, const std::string& dataset) {
    return database.with_transaction("read the search results", [&](pqxx::work& transaction) {
        transaction.exec0("SET TRANSACTION READ ONLY");
        return table_from_rows(
            transaction.exec_params(kResultsSql, dataset),
            "Size searches (gross joules; docs/train-for-less.md)",
            "no searches yet: enqueue some with joulesweep search --dataset NAME --target LOSS");
    });
}

}  // namespace joulesweep::coordinator
