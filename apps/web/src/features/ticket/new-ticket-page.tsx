// Built in this session by its feature's owner (issue 16); this first version only holds the route.
export function NewTicketPage() {
  return <h1 className="page-title">New ticket</h1>;
}
