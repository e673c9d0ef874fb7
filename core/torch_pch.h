// Precompiled header for every target that touches LibTorch: one TU including
// <torch/torch.h> costs ~35 s here, so it is parsed once per target instead.
#pragma once
#include <torch/torch.h>
#include <nlohmann/json.hpp>
