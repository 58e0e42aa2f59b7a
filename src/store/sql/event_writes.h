#pragma once
// The rows the session store's writer batches (BatchWriter::RowKind): the rows of one kind that
// a batch holds between two other writes go to the database in a few multi-row statements (256,
// 64, 8 or 1 rows each, so that few texts are prepared) where a row each cost a round trip.
// Between two other writes, the kinds go in rank order: a POST stream's record, then events,
// then streams' ends, which is the order each stream asks for them in (a stream is recorded
// once, before its first event, and ends after its last).
#include "store/batch_writer.h"

namespace mcpgw::store::sql {

// stream_id, session_id, node_id, request_ids (JSON array text), created_at.
extern const BatchWriter::RowKind kStreamRecords;
// stream_id, seq, session_id, payload, created_at, trim_through (the seq the stream's events are
// deleted through, or null). As if each were written alone, in order: the last write of a
// (stream, seq) wins, and one at or below a trim still to come is written after that trim.
extern const BatchWriter::RowKind kEvents;
// stream_id.
extern const BatchWriter::RowKind kStreamEnds;

}  // namespace mcpgw::store::sql
