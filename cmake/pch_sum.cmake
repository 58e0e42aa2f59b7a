# Writes GCH.sum: the SHA-256 of the precompiled header GCH, for ccache's pch_external_checksum.
# Only the hash (no path), so that build directories in other places share cache entries.
file(SHA256 ${GCH} sum)
file(WRITE ${GCH}.sum "${sum}\n")
