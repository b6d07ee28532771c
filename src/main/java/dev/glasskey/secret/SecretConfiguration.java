package dev.glasskey.secret;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.glasskey.system.Sealing;

/**
 * The one {@link Sealing} of the process: the key-encryption keys, checked against the database
 * when the bean is made, so that a wrong key stops the start before anything opens a secret.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecretsProperties.class)
class SecretConfiguration {

    @Bean
    Sealing sealing(KeyEncryptionKeys keks) {
        return keks.load();
    }
}
