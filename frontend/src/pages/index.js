// Page name (from the Jinja2 shell) -> mount function.
export const pages = {};

export function registerPage(name, mount) {
  pages[name] = mount;
}
