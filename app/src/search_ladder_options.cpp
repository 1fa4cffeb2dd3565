#include "joulesweep/app/search_ladder_options.hpp"

#include <cstdint>

#include <boost/program_options.hpp>

namespace joulesweep::app {
namespace po = boost::program_options;

void add_ladder_options(po::options_description& options, common::SearchSpec& spec) {
    options.add_options()("ladder-factor",
                          po::value<double>(&spec.ladder_factor)
                              ->value_name("R")
                              ->default_value(spec.ladder_factor, "2"),
                          "each size is R times the last")(
        "start-size",
        po::value<std::int64_t>(&spec.start_size)->value_name("N")->default_value(spec.start_size),
        "the first size tried (sizes no network can be built at are skipped)")(
        "max-size",
        po::value<std::int64_t>(&spec.max_size)->value_name("N")->default_value(spec.max_size),
        "the largest size tried")(
        "epochs",
        po::value<int>(&spec.epoch_cap)->value_name("N")->default_value(spec.epoch_cap),
        "epochs per attempt at most (the budget T)");
}

}  // namespace joulesweep::app
