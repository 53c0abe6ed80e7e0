import { errorJson, handle, json, methodNotAllowed } from "@/lib/http/respond";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

/** What learners pushed to the hub: repositories, tags, sizes, who and when. */
export const GET = handle(async () => {
  const listing = await getContext().hub.listing();
  if (!listing) {
    return errorJson(
      "no_hub",
      "This playground has no hub: its registry was started without one, so pushes go to Docker Hub.",
      404,
    );
  }
  return json(listing);
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
