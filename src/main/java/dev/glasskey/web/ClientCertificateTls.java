package dev.glasskey.web;

import org.apache.tomcat.util.net.SSLHostConfig;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Direct TLS asks for a client certificate (issue 17, compliant device): when Glasskey terminates TLS
 * itself ({@code server.ssl.*}), every TLS listener requests one but does not require it, and accepts
 * whatever is presented at the handshake ({@link AcceptAnyClientCertificate}; the handshake still
 * proves the client holds the certificate's private key): whether the certificate
 * chains to a device CA is judged per request by Conditional Access against the device CAs stored
 * now (which a TLS trust store, fixed at start, could not follow). A certificate that does not chain
 * is simply a device that is not compliant, never a failed connection. Without TLS this changes nothing.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@ConditionalOnClass(TomcatServletWebServerFactory.class)
class ClientCertificateTls {
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> clientCertificateWanted() {
        return factory -> factory.addConnectorCustomizers(connector -> {
            for (SSLHostConfig host : connector.findSslHostConfigs()) {
                if (host.getCertificateVerification() == SSLHostConfig.CertificateVerification.NONE
                        && host.getTrustManagerClassName() == null) {
                    host.setCertificateVerification("optional");
                    host.setTrustManagerClassName(AcceptAnyClientCertificate.class.getName());
                }
            }
        });
    }

    /**
     * The TLS listener's trust manager for client certificates: takes any, as "no compliant device"
     * is a per-request judgement ({@code access.AccessEnforcement#compliant}), not a refused
     * connection. Never asked about servers (the listener is one). Loaded by Tomcat by its name.
     */
    public static final class AcceptAnyClientCertificate implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            // judged per request against the device CAs stored now
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a server listener does not judge servers");
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }
}
