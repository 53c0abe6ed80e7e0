/** What the browser tests do with a session's terminal. */
import type { Page } from "@playwright/test";

/** The terminal's text, read from xterm's buffer (never from pixels). */
export async function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const term = (window as unknown as { __playgroundTerm?: import("@xterm/xterm").Terminal }).__playgroundTerm;
    if (!term) return "";
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
    return lines.join("\n");
  });
}

/** Types a command into the terminal and presses Enter. */
export async function run(page: Page, command: string): Promise<void> {
  await page.getByTestId("terminal").click();
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
}

declare global {
  interface Window {
    __playgroundEditor?: {
      monaco: typeof import("monaco-editor/editor/editor.api");
      editor: import("monaco-editor/editor/editor.api").editor.IStandaloneCodeEditor;
    };
  }
}
