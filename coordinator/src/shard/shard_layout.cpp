#include "shard_layout.hpp"

#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <hdf5.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/hdf5_call.hpp"
#include "joulesweep/common/topology.hpp"
#include "joulesweep/coordinator/queue/energy_record.hpp"

namespace joulesweep::coordinator::shard {
namespace {

common::Hdf5Handle copy_type(hid_t type) {
    return {H5Tcopy(type), H5Tclose, "copy an HDF5 type"};
}

common::Hdf5Handle text_type(std::size_t size) {
    common::Hdf5Handle type = copy_type(H5T_C_S1);
    common::hdf5_check(H5Tset_size(type.get(), size), "size a text type");
    common::hdf5_check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "pad a text type");
    return type;
}

}  // namespace

std::string epoch_series_path(std::string_view statistic) {
    return fmt::format("/epochs/{}", statistic);
}

common::Hdf5Handle memory_type(ColumnKind kind, std::size_t text_size) {
    switch (kind) {
        case ColumnKind::kInt64:
            return copy_type(H5T_NATIVE_INT64);
        case ColumnKind::kInt32:
            return copy_type(H5T_NATIVE_INT32);
        case ColumnKind::kUint8:
            return copy_type(H5T_NATIVE_UINT8);
        case ColumnKind::kFloat64:
            return copy_type(H5T_NATIVE_DOUBLE);
        case ColumnKind::kFloat32:
            return copy_type(H5T_NATIVE_FLOAT);
        case ColumnKind::kText:
            return text_type(text_size);
    }
    return copy_type(H5T_NATIVE_INT64);
}

common::Hdf5Handle file_type(ColumnKind kind, std::size_t text_size) {
    switch (kind) {
        case ColumnKind::kInt64:
            return copy_type(H5T_STD_I64LE);
        case ColumnKind::kInt32:
            return copy_type(H5T_STD_I32LE);
        case ColumnKind::kUint8:
            return copy_type(H5T_STD_U8LE);
        case ColumnKind::kFloat64:
            return copy_type(H5T_IEEE_F64LE);
        case ColumnKind::kFloat32:
            return copy_type(H5T_IEEE_F32LE);
        case ColumnKind::kText:
            return text_type(text_size);
    }
    return copy_type(H5T_STD_I64LE);
}

}  // namespace joulesweep::coordinator::shard

namespace joulesweep::coordinator::shard {
namespace {

template <typename Value>
void put(std::byte* element, Value value) {
    std::memcpy(element, &value, sizeof(value));
}

template <typename Value>
Value take(const std::byte* element) {
    Value value{};
    std::memcpy(&value, element, sizeof(value));
    return value;
}

template <std::size_t Size>
void put_text(std::byte* element, std::string_view text) {
    if (text.size() > Size) {
        throw common::StorageError(
            fmt::format("shard: '{}' is longer than the {} bytes its column holds", text, Size));
    }
    std::memset(element, 0, Size);
    std::memcpy(element, text.data(), text.size());
}

template <std::size_t Size>
std::string take_text(const std::byte* element) {
    const auto* first = reinterpret_cast<const char*>(element);  // NOLINT: bytes of a text
    return {first, ::strnlen(first, Size)};
}

// A closed set's value, stored by name; a name the table lacks is a damaged shard.
template <std::size_t Size, typename Enum, std::size_t N>
Enum take_name(const common::NameTable<Enum, N>& table, const std::byte* element) {
    const std::string text = take_text<Size>(element);
    const auto value = table.find(text);
    if (!value) {
        throw common::StorageError(fmt::format("shard: unknown {} '{}'", table.what(), text));
    }
    return *value;
}

common::Shape take_shape(const std::byte* element) {
    return take_name<32>(common::kShapeNames, element);
}

// Captureless lambdas: each column says how a row's value goes in and comes back out.
constexpr std::array<ColumnSpec, 33> kRunColumns{{
    {"/runs/experiment_id",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.experiment_id); },
     [](RunRow& row, const std::byte* e) {
         row.run.experiment_id = take<std::int64_t>(e);
     }},
    {"/runs/repetition",
     ColumnKind::kInt32,
     0,
     [](const RunRow& row, std::byte* e) { put<std::int32_t>(e, row.run.repetition); },
     [](RunRow& row, const std::byte* e) {
         row.run.repetition = take<std::int32_t>(e);
     }},
    {"/runs/attempt",
     ColumnKind::kInt32,
     0,
     [](const RunRow& row, std::byte* e) { put<std::int32_t>(e, row.run.attempt); },
     [](RunRow& row, const std::byte* e) {
         row.run.attempt = take<std::int32_t>(e);
     }},
    {"/runs/seed",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.result.seed); },
     [](RunRow& row, const std::byte* e) {
         row.run.result.seed = take<std::int64_t>(e);
     }},
    {"/runs/dataset",
     ColumnKind::kText,
     64,
     [](const RunRow& row, std::byte* e) { put_text<64>(e, row.run.config.dataset); },
     [](RunRow& row, const std::byte* e) {
         row.run.config.dataset = take_text<64>(e);
     }},
    {"/runs/shape",
     ColumnKind::kText,
     32,
     [](const RunRow& row, std::byte* e) {
         put_text<32>(e, common::to_text(row.run.config.shape));
     },
     [](RunRow& row, const std::byte* e) {
         row.run.config.shape = take_shape(e);
     }},
    {"/runs/depth",
     ColumnKind::kInt32,
     0,
     [](const RunRow& row, std::byte* e) { put<std::int32_t>(e, row.run.config.depth); },
     [](RunRow& row, const std::byte* e) {
         row.run.config.depth = take<std::int32_t>(e);
     }},
    {"/runs/size",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.config.size); },
     [](RunRow& row, const std::byte* e) {
         row.run.config.size = take<std::int64_t>(e);
     }},
    {"/runs/learning_rate",
     ColumnKind::kFloat64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.config.learning_rate); },
     [](RunRow& row, const std::byte* e) {
         row.run.config.learning_rate = take<double>(e);
     }},
    {"/runs/batch_size",
     ColumnKind::kInt32,
     0,
     [](const RunRow& row, std::byte* e) { put<std::int32_t>(e, row.run.config.batch_size); },
     [](RunRow& row, const std::byte* e) {
         row.run.config.batch_size = take<std::int32_t>(e);
     }},
    {"/runs/optimizer",
     ColumnKind::kText,
     16,
     [](const RunRow& row, std::byte* e) {
         put_text<16>(e, common::kOptimizerNames.name(row.run.config.optimizer));
     },
     [](RunRow& row, const std::byte* e) {
         row.run.config.optimizer = take_name<16>(common::kOptimizerNames, e);
     }},
    {"/runs/momentum",
     ColumnKind::kFloat64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.config.momentum); },
     [](RunRow& row, const std::byte* e) {
         row.run.config.momentum = take<double>(e);
     }},
    {"/runs/l1",
     ColumnKind::kFloat64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.config.l1); },
     [](RunRow& row, const std::byte* e) {
         row.run.config.l1 = take<double>(e);
     }},
    {"/runs/l2",
     ColumnKind::kFloat64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.config.l2); },
     [](RunRow& row, const std::byte* e) {
         row.run.config.l2 = take<double>(e);
     }},
    {"/runs/label_noise",
     ColumnKind::kFloat64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.config.label_noise); },
     [](RunRow& row, const std::byte* e) {
         row.run.config.label_noise = take<double>(e);
     }},
    {"/runs/epochs",
     ColumnKind::kInt32,
     0,
     [](const RunRow& row, std::byte* e) { put<std::int32_t>(e, row.run.config.epochs); },
     [](RunRow& row, const std::byte* e) {
         row.run.config.epochs = take<std::int32_t>(e);
     }},
    {"/runs/test_fraction",
     ColumnKind::kFloat64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.config.test_fraction); },
     [](RunRow& row, const std::byte* e) {
         row.run.config.test_fraction = take<double>(e);
     }},
    {"/runs/validation_fraction",
     ColumnKind::kFloat64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.config.validation_fraction); },
     [](RunRow& row, const std::byte* e) {
         row.run.config.validation_fraction = take<double>(e);
     }},
    {"/runs/backend",
     ColumnKind::kText,
     16,
     [](const RunRow& row, std::byte* e) {
         put_text<16>(e, common::kBackendNames.name(row.run.config.backend));
     },
     [](RunRow& row, const std::byte* e) {
         row.run.config.backend = take_name<16>(common::kBackendNames, e);
     }},
    {"/runs/backend_used",
     ColumnKind::kText,
     16,
     [](const RunRow& row, std::byte* e) {
         put_text<16>(e, common::kBackendNames.name(row.run.result.backend));
     },
     [](RunRow& row, const std::byte* e) {
         row.run.result.backend = take_name<16>(common::kBackendNames, e);
     }},
    {"/runs/threads",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.result.threads); },
     [](RunRow& row, const std::byte* e) {
         row.run.result.threads = take<std::int64_t>(e);
     }},
    {"/runs/host",
     ColumnKind::kText,
     256,
     [](const RunRow& row, std::byte* e) { put_text<256>(e, row.run.result.host); },
     [](RunRow& row, const std::byte* e) {
         row.run.result.host = take_text<256>(e);
     }},
    {"/runs/parameter_count",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.result.parameter_count); },
     [](RunRow& row, const std::byte* e) {
         row.run.result.parameter_count = take<std::int64_t>(e);
     }},
    {"/runs/diverged",
     ColumnKind::kUint8,
     0,
     [](const RunRow& row, std::byte* e) { put<std::uint8_t>(e, row.run.result.diverged ? 1 : 0); },
     [](RunRow& row, const std::byte* e) {
         row.run.result.diverged = take<std::uint8_t>(e) != 0;
     }},
    {"/runs/energy_source",
     ColumnKind::kText,
     16,
     [](const RunRow& row, std::byte* e) {
         put_text<16>(e, row.run.result.energy ? row.run.result.energy->source : "");
     },
     [](RunRow& row, const std::byte* e) {
         std::string source = take_text<16>(e);
         if (!source.empty()) {
             row.run.result.energy.emplace().source = std::move(source);
         }
     }},
    {"/runs/energy_provenance",
     ColumnKind::kText,
     kProvenanceSize,
     [](const RunRow& row, std::byte* e) {
         put_text<kProvenanceSize>(
             e, row.run.result.energy ? shard_provenance_json(*row.run.result.energy) : "");
     },
     [](RunRow& row, const std::byte* e) {
         if (row.run.result.energy) {  // energy_source comes first
             read_provenance(take_text<kProvenanceSize>(e), *row.run.result.energy);
         }
     }},
    {"/runs/energy_offset",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.energy_offset); },
     [](RunRow& row, const std::byte* e) {
         row.energy_offset = take<std::int64_t>(e);
     }},
    {"/runs/energy_count",
     ColumnKind::kInt32,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.energy_count); },
     [](RunRow& row, const std::byte* e) {
         row.energy_count = take<std::int32_t>(e);
     }},
    {"/runs/epoch_offset",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.epoch_offset); },
     [](RunRow& row, const std::byte* e) {
         row.epoch_offset = take<std::int64_t>(e);
     }},
    {"/runs/epoch_count",
     ColumnKind::kInt32,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.epoch_count); },
     [](RunRow& row, const std::byte* e) {
         row.epoch_count = take<std::int32_t>(e);
     }},
    {"/runs/layer_offset",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.layer_offset); },
     [](RunRow& row, const std::byte* e) {
         row.layer_offset = take<std::int64_t>(e);
     }},
    {"/runs/layer_count",
     ColumnKind::kInt32,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.layer_count); },
     [](RunRow& row, const std::byte* e) {
         row.layer_count = take<std::int32_t>(e);
     }},
    {"/runs/run_id",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.run_id); },
     [](RunRow& row, const std::byte* e) {
         row.run.run_id = take<std::int64_t>(e);
     }},
}};

}  // namespace

std::size_t element_size(const ColumnSpec& column) {
    switch (column.kind) {
        case ColumnKind::kInt64:
        case ColumnKind::kFloat64:
            return 8;
        case ColumnKind::kInt32:
        case ColumnKind::kFloat32:
            return 4;
        case ColumnKind::kUint8:
            return 1;
        case ColumnKind::kText:
            return column.text_size;
    }
    return 0;
}

const std::array<ColumnSpec, 33>& run_columns() {
    return kRunColumns;
}

}  // namespace joulesweep::coordinator::shard
