import { errorJson } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

const notFound = async () => errorJson("not_found", "There is no such API endpoint.", 404);

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
