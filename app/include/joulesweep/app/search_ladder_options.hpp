#pragma once
// The ladder flags `search` and `search replay` share, spelled and explained once:
// --ladder-factor, --start-size, --max-size and --epochs (the cap per attempt).

#include <boost/program_options.hpp>

#include "joulesweep/common/size_search.hpp"

namespace joulesweep::app {

// Adds the four flags to `options`, bound to the ladder fields of `spec` (its defaults).
void add_ladder_options(boost::program_options::options_description& options,
                        common::SearchSpec& spec);

}  // namespace joulesweep::app
