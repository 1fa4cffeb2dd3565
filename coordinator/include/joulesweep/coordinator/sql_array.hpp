#pragma once
// PostgreSQL array literals ("{1,2.5,NaN}") for values sent as text parameters or COPY
// fields; libpqxx 6.4 has no array conversion. Floats are written in their shortest form
// that reads back to the same float, and NaN/Infinity in PostgreSQL's spelling.

#include <cstdint>
#include <string>
#include <vector>

namespace joulesweep::coordinator {

std::string sql_array(const std::vector<float>& values);
std::string sql_array(const std::vector<std::int64_t>& values);

}  // namespace joulesweep::coordinator
