import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { ResultFileError } from "../model/index.js";

/*
 * Result files are read as streams, never whole: a 100 MB file costs a chunk of memory, not
 * its size. What a parser keeps is what it will store (the samples), and single lines are
 * bounded so one runaway line cannot take the memory either.
 */

/** A result line longer than this is not tool output (cargo-criterion lines are kilobytes). */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

const CHUNK_BYTES = 1024 * 1024;

/** A numbered line: text without its line break, and its 1-based line number. */
export type NumberedLine = readonly [text: string, lineNumber: number];

/** Fails with an `ResultFileError` naming the file when it is missing, a directory or empty. */
export async function checkReadableFile(file: string): Promise<number> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
    size = info.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : `cannot be read (${code ?? String(error)})`;
    throw new ResultFileError(file, undefined, reason);
  }
  if (size === 0) throw new ResultFileError(file, undefined, "file is empty");
  return size;
}

/** Text chunks of a file, as UTF-8. */
export async function* readChunks(file: string): AsyncGenerator<string> {
  await checkReadableFile(file);
  const stream = createReadStream(file, { encoding: "utf8", highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream) yield chunk as string;
  } catch (error) {
    throw new ResultFileError(
      file,
      undefined,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  } finally {
    stream.destroy();
  }
}

/**
 * The lines of a file, streamed. A whitespace-only file is "empty"; a line longer than
 * MAX_LINE_CHARS is an error naming it. Lines are split on the byte level (a newline byte
 * never occurs inside a multi-byte UTF-8 character) and each is decoded on its own, so a line
 * a parser keeps does not pin the megabyte chunk it came from, as a substring would.
 */
export async function* readLines(file: string): AsyncGenerator<NumberedLine> {
  await checkReadableFile(file);
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let carried: Buffer[] = []; // the start of a line that continues in the next chunk
  let carriedBytes = 0;
  let lineNumber = 0;
  let sawText = false;
  const decode = (parts: Buffer[]): string => {
    const text = (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).toString("utf8");
    return text.endsWith("\r") ? text.slice(0, -1) : text;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
        const line = decode([...carried, chunk.subarray(start, newline)]);
        carried = [];
        carriedBytes = 0;
        lineNumber++;
        sawText ||= line.trim() !== "";
        yield [line, lineNumber];
        start = newline + 1;
      }
      if (start < chunk.length) {
        carried.push(Buffer.from(chunk.subarray(start))); // a copy: the chunk itself can go
        carriedBytes += chunk.length - start;
        if (carriedBytes > MAX_LINE_CHARS) {
          throw new ResultFileError(
            file,
            `line ${lineNumber + 1}`,
            `is longer than ${MAX_LINE_CHARS / 1024 / 1024} MiB`,
          );
        }
      }
    }
  } catch (error) {
    if (error instanceof ResultFileError) throw error;
    throw new ResultFileError(
      file,
      undefined,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  } finally {
    stream.destroy();
  }
  if (carriedBytes > 0) {
    const line = decode(carried);
    lineNumber++;
    sawText ||= line.trim() !== "";
    yield [line, lineNumber];
  }
  if (!sawText) throw new ResultFileError(file, undefined, "file is empty");
}

/** The numbered lines of text already in memory (a command's captured output). */
export function* linesOf(text: string): Generator<NumberedLine> {
  let lineNumber = 0;
  for (const line of text.split("\n")) yield [line.replace(/\r$/, ""), ++lineNumber];
}

/** The first `bytes` of a file already checked with `checkReadableFile`, as text (for recognising its format). */
export async function readHead(file: string, bytes = 64 * 1024): Promise<string> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    // A multi-byte character cut at the end decodes as U+FFFD: harmless for format detection.
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}
