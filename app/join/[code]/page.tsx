import type { Metadata } from "next";
import JoinClass from "@/app/components/classes/JoinClass";

export const metadata: Metadata = { title: "Join a class · Docker Playground" };

export default async function JoinPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return <JoinClass code={code} />;
}
