// Starts Swagger UI on /docs (a file of its own: the Content-Security-Policy allows no
// inline script). Requests made from the page carry the session and XSRF cookies.
/* global SwaggerUIBundle */
const xsrf = document.cookie.split("; ").find((c) => c.startsWith("_xsrf="));
SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  requestInterceptor: (request) => {
    if (xsrf) request.headers["X-XSRFToken"] = decodeURIComponent(xsrf.slice(6));
    return request;
  },
});
