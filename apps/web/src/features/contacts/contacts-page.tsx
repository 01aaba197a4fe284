// Built in this session by its feature's owner (issue 16); this first version only holds the route.
export function ContactsPage() {
  return <h1 className="page-title">Contacts</h1>;
}
