import Link from "next/link";
import StartButton from "./StartButton";

export type GoneReason = "missing" | "closed" | "ended" | "expired";

const TEXT: Record<GoneReason, { title: string; body: string }> = {
  missing: {
    title: "This session does not exist or has ended",
    body: "Playground sessions are deleted when they end or expire. You can start a new one.",
  },
  closed: {
    title: "This session has ended",
    body: "The machine was shut down and everything in it was deleted. You can start a new one.",
  },
  ended: {
    title: "Session ended",
    body: "You ended this session. Its containers, images and files have been deleted.",
  },
  expired: {
    title: "This session has expired",
    body: "Its time ran out, so the machine and everything in it were deleted. You can start a new one.",
  },
};

export default function SessionGone({ reason }: { reason: GoneReason }) {
  const { title, body } = TEXT[reason];
  return (
    <main className="flex min-h-dvh items-center justify-center px-6">
      <div
        data-testid="session-gone"
        className="flex max-w-lg flex-col items-center gap-5 rounded-xl border border-slate-800 bg-slate-900/50 px-8 py-10 text-center"
      >
        <h1 className="text-2xl font-semibold text-slate-50">{title}</h1>
        <p className="text-slate-400">{body}</p>
        <StartButton label="Start a new playground" />
        <Link href="/" className="text-sm text-slate-400 underline-offset-4 hover:text-slate-200 hover:underline">
          Back to the home page
        </Link>
      </div>
    </main>
  );
}
