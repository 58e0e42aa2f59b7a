// The one translation unit of mcpgw_pch, the target that builds the precompiled header (pch.h)
// every other target reuses. It has nothing of its own.
