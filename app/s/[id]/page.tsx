import SessionScreen from "@/app/components/SessionScreen";

export default async function SessionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Keyed by id so moving between sessions starts from a clean slate.
  return <SessionScreen key={id} id={id} />;
}
