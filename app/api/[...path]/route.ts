import { json } from "@/lib/http/respond";
import type { ErrorBody } from "@/lib/protocol";

export const dynamic = "force-dynamic";

const notFound = async () =>
  json<ErrorBody>({ error: { code: "not_found", message: "There is no such API endpoint." } }, 404);

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
