import { createSpeaker, wavDuration, type Speaker } from '../../src/speech/index.js';
import { prepareSpeechText } from '../../src/speech/speech-text.js';

const SENTENCE = 'The contract renews automatically for successive one year periods unless either party gives written notice ninety days before the end.';
const SHORT = 'The contract renews every year.';

/** A WAV header and `dataBytes` of silence: 16-bit stereo at 44.1 kHz (176,400 bytes a second). */
function makeWav(dataBytes: number): Buffer {
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(2, 22);
  wav.writeUInt32LE(44_100, 24);
  wav.writeUInt32LE(176_400, 28);
  wav.writeUInt16LE(4, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  return wav;
}

function activeMessagePorts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
}

describe('createSpeaker', () => {
  let speaker: Speaker;
  beforeAll(() => {
    speaker = createSpeaker();
  });
  afterAll(() => speaker.close());

  it('speaks a sentence as a RIFF/WAVE buffer of plausible length', async () => {
    const wav = await speaker.speak(SENTENCE);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    // 20 words at eSpeak's 175 words a minute: about 7 s.
    expect(wavDuration(wav)).toBeGreaterThan(4);
    expect(wavDuration(wav)).toBeLessThan(15);
  });

  it('speaks longer for longer text', async () => {
    const short = wavDuration(await speaker.speak(SHORT));
    const long = wavDuration(await speaker.speak(`${SHORT} ${SENTENCE}`));
    expect(short).toBeGreaterThan(1);
    expect(long).toBeGreaterThan(short + 3);
  });

  it('gives a valid WAV of near silence for empty or blank text', async () => {
    for (const text of ['', ' \n\t ']) {
      const wav = await speaker.speak(text);
      expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
      expect(wavDuration(wav)).toBeLessThan(0.05);
    }
  });

  it('speaks text that looks like eSpeak options instead of obeying it', async () => {
    // As eSpeak's arguments, "--help" prints usage and "-q" speaks nothing.
    expect(wavDuration(await speaker.speak('--help'))).toBeGreaterThan(0.3);
    expect(wavDuration(await speaker.speak('-q quiet please'))).toBeGreaterThan(0.5);
  });

  it('speaks accented, CJK and emoji text', async () => {
    const wav = await speaker.speak('Café naïve señor — 日本語のテキスト。中文 😀👨‍👩‍👧 résumé.');
    expect(wavDuration(wav)).toBeGreaterThan(0.5);
  });

  it('times a call out, then speaks the next one with a fresh worker', async () => {
    await expect(speaker.speak(SENTENCE, { timeoutMs: 1 })).rejects.toThrow('speech synthesis timed out after 1 ms');
    expect(wavDuration(await speaker.speak(SHORT))).toBeGreaterThan(1);
  });

  it('times out a call waiting behind another without disturbing the one running', async () => {
    const running = speaker.speak(SENTENCE);
    await expect(speaker.speak(SHORT, { timeoutMs: 1 })).rejects.toThrow('timed out');
    expect(wavDuration(await running)).toBeGreaterThan(4);
  });
});

describe('createSpeaker options', () => {
  it('cuts text over maxChars at a sentence end', async () => {
    const speaker = createSpeaker({ maxChars: SHORT.length + 10 });
    try {
      const cut = await speaker.speak(`${SHORT} ${SENTENCE}`);
      expect(cut.equals(await speaker.speak(SHORT))).toBe(true);
    } finally {
      await speaker.close();
    }
  });

  it('times out with the speaker-wide budget', async () => {
    const speaker = createSpeaker({ timeoutMs: 1 });
    try {
      await expect(speaker.speak(SHORT)).rejects.toThrow('timed out after 1 ms');
    } finally {
      await speaker.close();
    }
  });

  it('ends its worker on close, rejecting the call in flight and later ones', async () => {
    const before = activeMessagePorts();
    const speaker = createSpeaker();
    const inFlight = expect(speaker.speak(SENTENCE)).rejects.toThrow('the speaker is closed');
    expect(activeMessagePorts()).toBe(before + 1);
    await speaker.close();
    await inFlight;
    await expect(speaker.speak(SHORT)).rejects.toThrow('the speaker is closed');
    expect(activeMessagePorts()).toBe(before);
  });
});

describe('prepareSpeechText', () => {
  it('makes control characters and whitespace runs one space and drops format characters', () => {
    expect(prepareSpeechText('  a\u0000b\n\n\tc\u00ADd\u200Be  ', 100)).toBe('a b cde');
  });

  it('cuts after the last whole sentence within the cap', () => {
    expect(prepareSpeechText('One two. Three four! Five six seven.', 25)).toBe('One two. Three four!');
    // A sentence ending exactly at the cap is kept.
    expect(prepareSpeechText('One two. Three four! Five', 20)).toBe('One two. Three four!');
    expect(prepareSpeechText('他说。她笑了。然后走了', 7)).toBe('他说。她笑了。');
  });

  it('cuts after the last whole word when whole sentences would keep less than half', () => {
    expect(prepareSpeechText('Yes. this run-on sentence goes on and on and on', 30)).toBe('Yes. this run-on sentence goes');
  });

  it('cuts a text without spaces at the cap, not inside a surrogate pair', () => {
    expect(prepareSpeechText('abcdef', 4)).toBe('abcd');
    expect(prepareSpeechText('abc😀def', 4)).toBe('abc');
  });
});

describe('wavDuration', () => {
  it('reads the duration from the byte rate and data size', () => {
    expect(wavDuration(makeWav(176_400))).toBe(1);
    expect(wavDuration(makeWav(44_100))).toBe(0.25);
  });

  it('skips chunks before the data chunk', () => {
    const plain = makeWav(88_200);
    const list = Buffer.alloc(8 + 5 + 1);
    list.write('LIST', 0, 'ascii');
    list.writeUInt32LE(5, 4);
    expect(wavDuration(Buffer.concat([plain.subarray(0, 36), list, plain.subarray(36)]))).toBe(0.5);
  });

  it('throws on a buffer that is not a complete WAV', () => {
    expect(() => wavDuration(Buffer.from('definitely not audio, just some text'))).toThrow('not a RIFF/WAVE buffer');
    expect(() => wavDuration(Buffer.alloc(0))).toThrow('not a RIFF/WAVE buffer');
    expect(() => wavDuration(makeWav(1000).subarray(0, 500))).toThrow('truncated');
    expect(() => wavDuration(makeWav(0).subarray(0, 36))).toThrow('no data chunk');
    const noRate = makeWav(100);
    noRate.writeUInt32LE(0, 28);
    expect(() => wavDuration(noRate)).toThrow('no byte rate');
  });
});
