#include "joulesweep/app/sweep_output.hpp"

#include <iostream>
#include <string>

#include <fmt/format.h>

#include "joulesweep/app/database_access.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/db/database.hpp"

namespace joulesweep::app {

void print_plan(const coordinator::SweepPlan& plan) {
    std::cout << fmt::format(
        "{:<22}{:>12}{:>12}{:>10}{:>14}\n", "dataset", "experiments", "runs", "skipped", "work");
    for (const auto& dataset : plan.datasets) {
        std::cout << fmt::format("{:<22}{:>12}{:>12}{:>10}{:>14.3e}\n",
                                 dataset.dataset,
                                 dataset.experiments,
                                 dataset.runs,
                                 dataset.skipped,
                                 dataset.work);
    }
    std::cout << fmt::format("{:<22}{:>12}{:>12}{:>10}{:>14.3e}\n",
                             "total",
                             plan.experiments.size(),
                             plan.runs,
                             plan.skipped,
                             plan.work);
    std::cout << fmt::format(
        "{} grid points, {} removed by filters, {} cannot be built within 20% of their size; "
        "work = parameters x epochs x training samples, summed over runs\n",
        plan.points,
        plan.filtered,
        plan.skipped);
}

coordinator::EnqueueReport write_plan(const coordinator::SweepPlan& plan, CommandContext& context) {
    constexpr const char* kNothingWritten = "; nothing was written, the queue is as it was";
    try {
        coordinator::Database database = open_current_database(context.globals);
        std::cerr << fmt::format("joulesweep: writing {} experiments and {} runs to {}\n",
                                 plan.experiments.size(),
                                 plan.runs,
                                 database.target().description);
        return coordinator::enqueue_plan(database, plan);
    } catch (const common::InternalError&) {
        throw;  // a bug, reported as one
    } catch (const common::ConfigError& error) {
        throw common::ConfigError(std::string(error.what()) + kNothingWritten);
    } catch (const common::Error& error) {
        throw common::Error(error.kind(), std::string(error.what()) + kNothingWritten);
    }
}

std::optional<coordinator::EnqueueReport> print_and_write_plan(const coordinator::SweepPlan& plan,
                                                               bool dry_run,
                                                               CommandContext& context) {
    print_plan(plan);
    if (dry_run) {
        std::cout << "dry run: nothing was written\n";
        return std::nullopt;
    }
    return write_plan(plan, context);
}

}  // namespace joulesweep::app
