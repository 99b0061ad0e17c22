package netdumplings.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The "Dumplings" page of the Felix Web Console ({@code /system/console/dumplings}): a
 * Jakarta servlet registered with the console's label and title properties, so the console
 * wraps its HTML in its navigation and guards it with its login.
 * <ul>
 * <li>{@code GET .../dumplings}: the page (tables filled by {@code dumplings.js});</li>
 * <li>{@code GET .../dumplings/data.json}: kitchens, chefs and hub as JSON, polled by the page;</li>
 * <li>{@code POST .../dumplings/chef} with {@code kitchen}, {@code chef} and {@code action}
 * ({@code enable}/{@code disable}): switches a chef. Guarded against cross-site requests by a
 * random token that only the page knows, sent back in the {@value #TOKEN_HEADER} header
 * (a cross-site form cannot set headers, and a cross-site script cannot read the page).</li>
 * </ul>
 * Every text from the runtime reaches the page through the DOM's {@code textContent}, never
 * as HTML.
 */
@Component(service = Servlet.class, property = {
    "felix.webconsole.label=" + DumplingsWebConsolePlugin.LABEL,
    "felix.webconsole.title=Dumplings",
    "felix.webconsole.category=netdumplings"
})
public class DumplingsWebConsolePlugin extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** The page's label: the last segment of its URL. */
    static final String LABEL = "dumplings";
    /** The request header that must carry the page's token on a POST. */
    static final String TOKEN_HEADER = "X-Dumplings-Token";
    /** Largest POST body read (form parameters are tiny). */
    private static final int MAX_POST_BYTES = 4096;

    private final transient ManagementRegistry registry;
    private final transient ObjectMapper json = new ObjectMapper();
    private final String token = newToken();

    /** @param registry the management services the page shows and switches */
    @Activate
    public DumplingsWebConsolePlugin(@Reference ManagementRegistry registry) {
        this.registry = registry;
    }

    private static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = String.valueOf(request.getPathInfo());
        noCache(response);
        if (path.endsWith("/data.json")) {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            json.writeValue(response.getOutputStream(), registry.snapshot());
        } else if (path.endsWith("/dumplings.js")) {
            response.setContentType("text/javascript");
            response.setCharacterEncoding("UTF-8");
            try (InputStream in = DumplingsWebConsolePlugin.class.getResourceAsStream("dumplings.js")) {
                if (in == null) {
                    response.sendError(HttpServletResponse.SC_NOT_FOUND);
                    return;
                }
                in.transferTo(response.getOutputStream());
            }
        } else if (path.endsWith("/" + LABEL) || path.endsWith("/" + LABEL + "/")) {
            response.setContentType("text/html");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().print(page(pluginRoot(request)));
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        noCache(response);
        String path = String.valueOf(request.getPathInfo());
        if (!path.endsWith("/chef")) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        String given = request.getHeader(TOKEN_HEADER);
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8))) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "missing or wrong " + TOKEN_HEADER);
            return;
        }
        if (request.getContentLength() > MAX_POST_BYTES) {
            response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        String chef = request.getParameter("chef");
        String action = request.getParameter("action");
        if (chef == null || chef.isBlank() || !("enable".equals(action) || "disable".equals(action))) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "needs chef and action=enable|disable");
            return;
        }
        int changed = registry.chefEnabled(request.getParameter("kitchen"), chef, "enable".equals(action));
        response.setStatus(changed == 0 ? HttpServletResponse.SC_NOT_FOUND : HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), Map.of("changed", changed));
    }

    private static void noCache(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
    }

    /** The plugin's absolute path, as the console tells it, else derived from the request. */
    private static String pluginRoot(HttpServletRequest request) {
        Object root = request.getAttribute("felix.webconsole.pluginRoot");
        if (root instanceof String s && !s.isEmpty()) {
            return s;
        }
        return request.getContextPath() + request.getServletPath() + "/" + LABEL;
    }

    /** @return the page's content (the console adds its frame around it) */
    String page(String pluginRoot) {
        return """
                <div id="nd-dumplings" data-root="%s" data-token="%s">
                  <p class="statline">Kitchens, chefs and the hub of this runtime; refreshed every 2 seconds.
                    <span id="nd-status"></span></p>
                  <h2>Kitchens</h2>
                  <table id="nd-kitchens" class="tablelayout nicetable"><thead><tr>
                    <th>Kitchen</th><th>Source</th><th>Filter</th><th>Hub</th><th>Running</th>
                    <th>Packets captured</th><th>Packets/s</th><th>Drops</th><th>Kernel drops</th><th>Dumplings sent</th>
                    <th>Hub connection</th>
                  </tr></thead><tbody></tbody></table>
                  <ul id="nd-warnings" class="ui-state-error"></ul>
                  <h2>Chefs</h2>
                  <table id="nd-chefs" class="tablelayout nicetable"><thead><tr>
                    <th>Kitchen</th><th>Chef</th><th>Class</th><th>Bundle</th><th>Enabled</th>
                    <th>Packets handled</th><th>Dumplings made</th><th>Errors</th><th>Invalid payloads</th>
                    <th>Drops</th><th>Mean handler time (&micro;s)</th><th>Action</th>
                  </tr></thead><tbody></tbody></table>
                  <h2>Hub</h2>
                  <p id="nd-hub"></p>
                  <table id="nd-hub-kitchens" class="tablelayout nicetable"><thead><tr>
                    <th>Connected kitchen</th><th>Address</th><th>Dumplings in</th><th>Invalid</th>
                  </tr></thead><tbody></tbody></table>
                  <table id="nd-eaters" class="tablelayout nicetable"><thead><tr>
                    <th>Eater</th><th>Address</th><th>Queued</th><th>Sent</th><th>Dropped</th>
                  </tr></thead><tbody></tbody></table>
                </div>
                <script src="%s/dumplings.js"></script>
                """.formatted(escapeAttribute(pluginRoot), escapeAttribute(token), escapeAttribute(pluginRoot));
    }

    /** Escapes text for an HTML attribute value in double quotes (or for element content). */
    static String escapeAttribute(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
