// Swagger UI for the API documentation, as Django Ninja starts it (settings from the page, the CSRF
// token for session calls), with one plugin: a level-2 heading before the operations, so that the
// page's headings go 1, 2, 3 (Swagger's title is an h1 and its groups are h3).
(function () {
  "use strict";
  const body = document.body.dataset;
  const config = JSON.parse(document.getElementById("swagger-settings").textContent);

  function OperationsHeading(system) {
    const h = system.React.createElement;
    return {
      wrapComponents: {
        operations: (Original) => (props) => h("section", {"aria-labelledby": "api-operations"},
          h("h2", {id: "api-operations", className: "api-docs-operations"}, "Operations"),
          h(Original, props)),
      },
    };
  }

  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  config.plugins = [OperationsHeading];
  if (body.apiCsrf && body.csrfToken) {
    config.requestInterceptor = (request) => {
      request.headers["X-CSRFToken"] = body.csrfToken;
      return request;
    };
  }
  window.ui = SwaggerUIBundle(config);
})();
