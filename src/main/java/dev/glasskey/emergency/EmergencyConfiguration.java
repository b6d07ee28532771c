package dev.glasskey.emergency;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EmergencyProperties.class)
class EmergencyConfiguration {
}
