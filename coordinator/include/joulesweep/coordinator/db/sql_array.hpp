#pragma once
// PostgreSQL array literals ("{1,2.5,NaN}") for values sent as text parameters or COPY
// fields; libpqxx 6.4 has no array conversion. Floats are written in their shortest form
// that reads back to the same float, and NaN/Infinity in PostgreSQL's spelling.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace joulesweep::coordinator {

std::string sql_array(const std::vector<float>& values);
std::string sql_array(const std::vector<double>& values);
std::string sql_array(const std::vector<int>& values);
// The same with NaN written as NULL: for series where NaN means "not known".
std::string sql_array_nan_as_null(const std::vector<float>& values);
std::string sql_array(const std::vector<std::int64_t>& values);

// Text elements, each double-quoted with quotes and backslashes escaped, so any text
// (including other array literals and JSON) round-trips; nullopt becomes NULL.
std::string sql_array(const std::vector<std::string>& values);
std::string sql_array(const std::vector<std::optional<std::string>>& values);

}  // namespace joulesweep::coordinator
