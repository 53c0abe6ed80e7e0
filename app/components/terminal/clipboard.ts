/**
 * Clipboard access that also works on plain-http LAN origins, where
 * navigator.clipboard is undefined (it only exists in secure contexts).
 */

/** Copies through a hidden textarea and the legacy copy command. */
function copyWithCommand(text: string): boolean {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.top = "0";
  area.style.left = "-9999px";
  area.style.opacity = "0";
  const previous = document.activeElement as HTMLElement | null;
  document.body.appendChild(area);
  area.select();
  let ok: boolean;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  previous?.focus();
  return ok;
}

export async function copyText(text: string): Promise<boolean> {
  if (!text) return false;
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission refused or document not focused: try the old way.
    }
  }
  return copyWithCommand(text);
}

/** True when the page can read the clipboard by itself (menu Paste needs this). */
export const canReadClipboard = () => typeof navigator !== "undefined" && !!navigator.clipboard?.readText;

/** The clipboard's text, or null when it cannot be read. */
export async function readText(): Promise<string | null> {
  if (!canReadClipboard()) return null;
  try {
    return await navigator.clipboard.readText();
  } catch {
    return null;
  }
}
