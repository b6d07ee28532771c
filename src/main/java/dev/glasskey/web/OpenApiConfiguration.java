package dev.glasskey.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

import dev.glasskey.system.Version;

/**
 * The head of the OpenAPI document springdoc generates from the controllers (served on the
 * management port only: docs/API.md, "The API description"): what the API is, and how a caller
 * authenticates — the session cookie a security-key sign-in sets, and the CSRF header.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI glasskeyOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Glasskey REST API").version(Version.current())
                        .description("The administration and ceremony API of Glasskey. JSON over HTTP; every error is an RFC 9457"
                                + " problem document (application/problem+json) with a stable `code` — the codes, and what each"
                                + " endpoint refuses, are in docs/API.md, which this document is tested against. Authentication is the"
                                + " session cookie set by a security-key sign-in (POST /api/webauthn/sign-in); state-changing calls"
                                + " need the header X-XSRF-TOKEN equal to the XSRF-TOKEN cookie."))
                .components(new Components().addSecuritySchemes("session", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.COOKIE).name("JSESSIONID")
                        .description("The session of a security-key sign-in; each endpoint needs the permission docs/API.md (\"Permissions\") names.")))
                .addSecurityItem(new SecurityRequirement().addList("session"));
    }
}
