import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import { getContext } from "@/lib/server/context";
import { WorkshopNotFoundError } from "@/lib/workshops/errors";
import { view, type WorkshopView } from "@/lib/workshops/types";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ slug: string }> };

export const GET = handle(async (_req: Request, { params }: Params) => {
  const { slug } = await params;
  const workshop = await getContext().workshops.catalog.get(slug);
  if (!workshop) throw new WorkshopNotFoundError(slug);
  return json<WorkshopView>(view(workshop));
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
