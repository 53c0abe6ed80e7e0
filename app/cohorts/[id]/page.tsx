import type { Metadata } from "next";
import ClassDashboard from "@/app/components/classes/ClassDashboard";

export const metadata: Metadata = { title: "Your class · Docker Playground", referrer: "no-referrer" };

export default async function CohortPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ClassDashboard id={id} />;
}
