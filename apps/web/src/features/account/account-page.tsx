// Built in this session by its feature's owner (issue 16); this first version only holds the route.
export function AccountPage() {
  return <h1 className="page-title">My account</h1>;
}
