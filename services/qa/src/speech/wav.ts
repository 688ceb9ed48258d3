/**
 * Seconds of audio in a RIFF/WAVE buffer: the size of its `data` chunk over the byte rate of its
 * `fmt ` chunk. Throws on anything that is not a complete WAV (no header, missing chunks, truncated).
 */
export function wavDuration(wav: Buffer): number {
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE buffer');
  }
  let byteRate = 0;
  for (let at = 12; at + 8 <= wav.length; ) {
    const id = wav.toString('ascii', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    const body = at + 8;
    if (body + size > wav.length) throw new Error(`WAV chunk "${id}" is truncated`);
    if (id === 'fmt ') {
      if (size < 16) throw new Error('WAV fmt chunk is too short');
      byteRate = wav.readUInt32LE(body + 8);
    } else if (id === 'data') {
      if (!byteRate) throw new Error('WAV has no byte rate before its data chunk');
      return size / byteRate;
    }
    // Chunks are padded to an even length.
    at = body + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}
