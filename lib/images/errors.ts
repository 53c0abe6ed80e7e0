/**
 * Errors of the Docker panel. Like the core's errors they carry a code and a
 * status that only the HTTP edge turns into a response.
 */
import { PlaygroundError } from "../sessions/errors";

/** A `docker save` archive that does not have the expected shape. */
export class ImageArchiveError extends PlaygroundError {
  constructor(why: string) {
    super("image_archive_unreadable", `The image's archive could not be read: ${why}`, 502);
  }
}

/** The image is too big to be read through for its layers. */
export class ImageTooLargeError extends PlaygroundError {
  constructor(limitBytes: number) {
    super(
      "image_too_large",
      `This image is larger than ${Math.round(limitBytes / 2 ** 30)} GiB, too large to list its layers here. Use \`docker history\` in the terminal.`,
      413,
    );
  }
}
