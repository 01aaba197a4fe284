// Built in this session by its feature's owner (issue 16); this first version only holds the route.
export function ContactPage() {
  return <h1 className="page-title">Contact</h1>;
}
