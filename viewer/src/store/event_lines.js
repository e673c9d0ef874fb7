// Parses the text of one mirrored event chunk into events. A malformed line is reported (with its
// 1-based line number in events.jsonl) and skipped, so one bad write never hides the rest.

export function parseEventChunk(text, firstLine, onMalformed) {
  const events = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const lineNo = firstLine + i + 1;
    let event = null;
    try {
      event = JSON.parse(line);
    } catch {
      event = null;
    }
    if (!event || typeof event !== 'object' || typeof event.type !== 'string') {
      onMalformed(lineNo);
      events.push({ seq: null, line: lineNo, time: null, type: '(malformed)', payload: { text: line.slice(0, 200) }, malformed: true });
      return;
    }
    if (!event.payload || typeof event.payload !== 'object') event.payload = {};
    event.line = lineNo;
    events.push(event);
  });
  return events;
}
