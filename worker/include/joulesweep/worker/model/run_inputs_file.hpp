#pragma once
// Everything a run's training depends on besides its arithmetic, in one HDF5 file, so
// that an implementation we did not write can replay the run (tests/golden/):
//   /train|validation|test/{inputs,targets}   float32 [rows, width], after the split and
//                                             the label noise
//   /initial/kernel_K  float32 [inputs, units] and /initial/bias_K float32 [1, units]
//   /trained/kernel_K, /trained/bias_K   the same at the end of training
//   /batch_order       int32 [epochs, train rows]: epoch e trains the rows in this order,
//                      in batches of batch_size (the last may be smaller)
//   attributes         config (the experiment as JSON), seed, widths, residual,
//                      output ("sigmoid"/"softmax"), loss, epochs_written
// `joulesweep train --dump-inputs FILE` writes it.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "joulesweep/common/hdf5_handle.hpp"
#include "joulesweep/worker/model/trainer.hpp"

namespace joulesweep::worker {

class RunInputsFile {
public:
    // Creates `path` (replacing a file there) and writes the data and initial weights.
    // Throws StorageError naming the path.
    RunInputsFile(const std::filesystem::path& path,
                  const RunInputs& inputs,
                  int epochs,
                  const std::string& config_json,
                  std::uint64_t seed);

    // Records the order in which `epoch` (1-based) visits the training rows.
    void write_batch_order(int epoch, const std::vector<std::size_t>& order);

    // Records the weights at the end of training.
    void write_trained(const Parameters& trained);

private:
    std::filesystem::path path_;
    common::Hdf5Handle file_;
    common::Hdf5Handle batch_order_;
    std::size_t train_rows_;
};

}  // namespace joulesweep::worker
